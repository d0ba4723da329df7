// Every text the operations component shows, from custom labels (en_US master, nl_NL translation).
import TITLE from '@salesforce/label/c.Rinkel_Ops_Title';
import LOADING from '@salesforce/label/c.Rinkel_Ops_Loading';
import REFRESH from '@salesforce/label/c.Rinkel_Ops_Refresh';
import LAST_EVENT from '@salesforce/label/c.Rinkel_Ops_Last_Event';
import NEVER from '@salesforce/label/c.Rinkel_Ops_Never';
import LAST_24H from '@salesforce/label/c.Rinkel_Ops_Last_24h';
import PROCESSED from '@salesforce/label/c.Rinkel_Ops_Processed';
import FAILED from '@salesforce/label/c.Rinkel_Ops_Failed';
import RETRYING from '@salesforce/label/c.Rinkel_Ops_Retrying';
import WAITING from '@salesforce/label/c.Rinkel_Ops_Waiting';
import FAILED_TOTAL from '@salesforce/label/c.Rinkel_Ops_Failed_Total';
import RECONCILIATION from '@salesforce/label/c.Rinkel_Ops_Reconciliation';
import CHECKPOINT from '@salesforce/label/c.Rinkel_Ops_Checkpoint';
import LAST_RUN from '@salesforce/label/c.Rinkel_Ops_Last_Run';
import LAST_REPAIRS from '@salesforce/label/c.Rinkel_Ops_Last_Repairs';
import LAST_ERROR from '@salesforce/label/c.Rinkel_Ops_Last_Error';
import NOT_SCHEDULED from '@salesforce/label/c.Rinkel_Ops_Not_Scheduled';
import RETRY_FAILED from '@salesforce/label/c.Rinkel_Ops_Retry_Failed';
import RETRY_RESULT from '@salesforce/label/c.Rinkel_Ops_Retry_Result';
import RETRY_NONE from '@salesforce/label/c.Rinkel_Ops_Retry_None';
import LOAD_ERROR from '@salesforce/label/c.Rinkel_Ops_Load_Error';

export const LABELS = {
  title: TITLE,
  loading: LOADING,
  refresh: REFRESH,
  lastEvent: LAST_EVENT,
  never: NEVER,
  last24h: LAST_24H,
  processed: PROCESSED,
  failed: FAILED,
  retrying: RETRYING,
  waiting: WAITING,
  failedTotal: FAILED_TOTAL,
  reconciliation: RECONCILIATION,
  checkpoint: CHECKPOINT,
  lastRun: LAST_RUN,
  lastRepairs: LAST_REPAIRS,
  lastError: LAST_ERROR,
  notScheduled: NOT_SCHEDULED,
  retryFailed: RETRY_FAILED,
  retryResult: RETRY_RESULT,
  retryNone: RETRY_NONE,
  loadError: LOAD_ERROR
} as const;

/** Fills {0}, {1}, ... in a label, as String.format does in Apex. */
export function formatLabel(label: string, ...values: string[]): string {
  return label.replace(
    /\{(\d+)\}/g,
    (whole: string, index: string) => values[Number(index)] ?? whole
  );
}
