// Every text the timeline shows, from custom labels (en_US master, nl_NL translation).
import TITLE from '@salesforce/label/c.Rinkel_Timeline_Title';
import FILTER_LABEL from '@salesforce/label/c.Rinkel_Timeline_Filter_Label';
import FILTER_ALL from '@salesforce/label/c.Rinkel_Timeline_Filter_All';
import FILTER_INBOUND from '@salesforce/label/c.Rinkel_Timeline_Filter_Inbound';
import FILTER_OUTBOUND from '@salesforce/label/c.Rinkel_Timeline_Filter_Outbound';
import FILTER_MISSED from '@salesforce/label/c.Rinkel_Timeline_Filter_Missed';
import SAME_NUMBER from '@salesforce/label/c.Rinkel_Timeline_Same_Number';
import REFRESH from '@salesforce/label/c.Rinkel_Timeline_Refresh';
import LOADING from '@salesforce/label/c.Rinkel_Timeline_Loading';
import EMPTY from '@salesforce/label/c.Rinkel_Timeline_Empty';
import EMPTY_HINT from '@salesforce/label/c.Rinkel_Timeline_Empty_Hint';
import EMPTY_FILTERED from '@salesforce/label/c.Rinkel_Timeline_Empty_Filtered';
import ERROR_LOAD from '@salesforce/label/c.Rinkel_Timeline_Error_Load';
import RETRY from '@salesforce/label/c.Rinkel_Timeline_Retry';
import LOAD_MORE from '@salesforce/label/c.Rinkel_Timeline_Load_More';
import LOADING_MORE from '@salesforce/label/c.Rinkel_Timeline_Loading_More';
import LIST_LABEL from '@salesforce/label/c.Rinkel_Timeline_List_Label';
import LIVE_UPDATE from '@salesforce/label/c.Rinkel_Timeline_Live_Update';
import INBOUND from '@salesforce/label/c.Rinkel_Timeline_Inbound';
import OUTBOUND from '@salesforce/label/c.Rinkel_Timeline_Outbound';
import UNKNOWN_DIRECTION from '@salesforce/label/c.Rinkel_Timeline_Unknown_Direction';
import STATUS_ANSWERED from '@salesforce/label/c.Rinkel_Timeline_Status_Answered';
import STATUS_MISSED from '@salesforce/label/c.Rinkel_Timeline_Status_Missed';
import STATUS_MISSED_REASON from '@salesforce/label/c.Rinkel_Timeline_Status_Missed_Reason';
import REASON_NO_ANSWER from '@salesforce/label/c.Rinkel_Timeline_Reason_No_Answer';
import REASON_BLOCKED from '@salesforce/label/c.Rinkel_Timeline_Reason_Blocked';
import REASON_OUTSIDE_HOURS from '@salesforce/label/c.Rinkel_Timeline_Reason_Outside_Hours';
import STATUS_VOICEMAIL from '@salesforce/label/c.Rinkel_Timeline_Status_Voicemail';
import STATUS_ANSWERING_SERVICE from '@salesforce/label/c.Rinkel_Timeline_Status_Answering_Service';
import STATUS_UNKNOWN from '@salesforce/label/c.Rinkel_Timeline_Status_Unknown';
import DURATION from '@salesforce/label/c.Rinkel_Timeline_Duration';
import AGENT from '@salesforce/label/c.Rinkel_Timeline_Agent';
import NO_AGENT from '@salesforce/label/c.Rinkel_Timeline_No_Agent';
import ANONYMOUS from '@salesforce/label/c.Rinkel_Timeline_Anonymous';
import STARTED from '@salesforce/label/c.Rinkel_Timeline_Started';
import BADGE_LINKED from '@salesforce/label/c.Rinkel_Timeline_Badge_Linked';
import BADGE_LINKED_OTHER from '@salesforce/label/c.Rinkel_Timeline_Badge_Linked_Other';
import BADGE_UNMATCHED from '@salesforce/label/c.Rinkel_Timeline_Badge_Unmatched';
import BADGE_MULTIPLE from '@salesforce/label/c.Rinkel_Timeline_Badge_Multiple';
import SENTIMENT_LABEL from '@salesforce/label/c.Rinkel_Timeline_Sentiment_Label';
import SENTIMENT_POSITIVE from '@salesforce/label/c.Rinkel_Timeline_Sentiment_Positive';
import SENTIMENT_NEUTRAL from '@salesforce/label/c.Rinkel_Timeline_Sentiment_Neutral';
import SENTIMENT_NEGATIVE from '@salesforce/label/c.Rinkel_Timeline_Sentiment_Negative';
import TOPICS from '@salesforce/label/c.Rinkel_Timeline_Topics';
import SUMMARY from '@salesforce/label/c.Rinkel_Timeline_Summary';
import SUMMARY_PENDING from '@salesforce/label/c.Rinkel_Timeline_Summary_Pending';
import SHOW_MORE from '@salesforce/label/c.Rinkel_Timeline_Show_More';
import SHOW_LESS from '@salesforce/label/c.Rinkel_Timeline_Show_Less';
import PLAY from '@salesforce/label/c.Rinkel_Timeline_Play';
import PLAY_VOICEMAIL from '@salesforce/label/c.Rinkel_Timeline_Play_Voicemail';
import RECORDING_LOADING from '@salesforce/label/c.Rinkel_Timeline_Recording_Loading';
import RECORDING_PLAYER from '@salesforce/label/c.Rinkel_Timeline_Recording_Player';
import RECORDING_EXPIRED from '@salesforce/label/c.Rinkel_Timeline_Recording_Expired';
import RECORDING_AVAILABLE_UNTIL from '@salesforce/label/c.Rinkel_Timeline_Recording_Available_Until';
import RECORDING_ERROR from '@salesforce/label/c.Rinkel_Timeline_Recording_Error';
import RECORDING_NOT_FOUND from '@salesforce/label/c.Rinkel_Timeline_Recording_Not_Found';
import RECORDING_UNREACHABLE from '@salesforce/label/c.Rinkel_Timeline_Recording_Unreachable';
import NO_RECORDING from '@salesforce/label/c.Rinkel_Timeline_No_Recording';
import NO_LISTEN_PERMISSION from '@salesforce/label/c.Rinkel_Timeline_No_Listen_Permission';
import NO_ACCESS from '@salesforce/label/c.Rinkel_Timeline_No_Access';
import FIELD_ACCESS from '@salesforce/label/c.Rinkel_Timeline_Field_Access';
import INVALID_REQUEST from '@salesforce/label/c.Rinkel_Timeline_Invalid_Request';
import DURATION_SECONDS from '@salesforce/label/c.Rinkel_Timeline_Duration_Seconds';
import DURATION_MINUTES from '@salesforce/label/c.Rinkel_Timeline_Duration_Minutes';
import DURATION_HOURS from '@salesforce/label/c.Rinkel_Timeline_Duration_Hours';
import JUST_NOW from '@salesforce/label/c.Rinkel_Timeline_Just_Now';
import YESTERDAY_AT from '@salesforce/label/c.Rinkel_Timeline_Yesterday_At';
import GROUP_TODAY from '@salesforce/label/c.Rinkel_Timeline_Group_Today';
import GROUP_YESTERDAY from '@salesforce/label/c.Rinkel_Timeline_Group_Yesterday';
import COUNT_ONE from '@salesforce/label/c.Rinkel_Timeline_Count_One';
import COUNT from '@salesforce/label/c.Rinkel_Timeline_Count';
import COUNT_MORE from '@salesforce/label/c.Rinkel_Timeline_Count_More';
import RANGE_LABEL from '@salesforce/label/c.Rinkel_Timeline_Range_Label';
import RANGE_ANY from '@salesforce/label/c.Rinkel_Timeline_Range_Any';
import RANGE_WEEK from '@salesforce/label/c.Rinkel_Timeline_Range_Week';
import RANGE_MONTH from '@salesforce/label/c.Rinkel_Timeline_Range_Month';
import RANGE_YEAR from '@salesforce/label/c.Rinkel_Timeline_Range_Year';
import TOPICS_MORE from '@salesforce/label/c.Rinkel_Timeline_Topics_More';
import TOPICS_MORE_LABEL from '@salesforce/label/c.Rinkel_Timeline_Topics_More_Label';
import ROW_ACTIONS from '@salesforce/label/c.Rinkel_Timeline_Row_Actions';
import OPEN_TASK from '@salesforce/label/c.Rinkel_Timeline_Open_Task';
import LINK_HERE from '@salesforce/label/c.Rinkel_Timeline_Link_Here';
import ADD_NOTE from '@salesforce/label/c.Rinkel_Timeline_Add_Note';
import CALL_HEADING from '@salesforce/label/c.Rinkel_Timeline_Call_Heading';
import LINK_FAILED from '@salesforce/label/c.Rinkel_Timeline_Link_Failed';
import NO_RECORD from '@salesforce/label/c.Rinkel_Timeline_No_Record';
// Click-to-dial (force-app/telephony): Call back on missed calls.
import CALL_BACK from '@salesforce/label/c.Rinkel_Dial_Call_Back';
import DIAL_CALLING from '@salesforce/label/c.Rinkel_Dial_Calling';
import DIAL_FAILED from '@salesforce/label/c.Rinkel_Dial_Failed';

export const LABELS = {
  title: TITLE,
  filterLabel: FILTER_LABEL,
  filterAll: FILTER_ALL,
  filterInbound: FILTER_INBOUND,
  filterOutbound: FILTER_OUTBOUND,
  filterMissed: FILTER_MISSED,
  sameNumber: SAME_NUMBER,
  refresh: REFRESH,
  loading: LOADING,
  empty: EMPTY,
  emptyHint: EMPTY_HINT,
  emptyFiltered: EMPTY_FILTERED,
  errorLoad: ERROR_LOAD,
  retry: RETRY,
  loadMore: LOAD_MORE,
  loadingMore: LOADING_MORE,
  listLabel: LIST_LABEL,
  liveUpdate: LIVE_UPDATE,
  inbound: INBOUND,
  outbound: OUTBOUND,
  unknownDirection: UNKNOWN_DIRECTION,
  statusAnswered: STATUS_ANSWERED,
  statusMissed: STATUS_MISSED,
  statusMissedReason: STATUS_MISSED_REASON,
  reasonNoAnswer: REASON_NO_ANSWER,
  reasonBlocked: REASON_BLOCKED,
  reasonOutsideHours: REASON_OUTSIDE_HOURS,
  statusVoicemail: STATUS_VOICEMAIL,
  statusAnsweringService: STATUS_ANSWERING_SERVICE,
  statusUnknown: STATUS_UNKNOWN,
  duration: DURATION,
  agent: AGENT,
  noAgent: NO_AGENT,
  anonymous: ANONYMOUS,
  started: STARTED,
  badgeLinked: BADGE_LINKED,
  badgeLinkedOther: BADGE_LINKED_OTHER,
  badgeUnmatched: BADGE_UNMATCHED,
  badgeMultiple: BADGE_MULTIPLE,
  sentimentLabel: SENTIMENT_LABEL,
  sentimentPositive: SENTIMENT_POSITIVE,
  sentimentNeutral: SENTIMENT_NEUTRAL,
  sentimentNegative: SENTIMENT_NEGATIVE,
  topics: TOPICS,
  summary: SUMMARY,
  summaryPending: SUMMARY_PENDING,
  showMore: SHOW_MORE,
  showLess: SHOW_LESS,
  play: PLAY,
  playVoicemail: PLAY_VOICEMAIL,
  recordingLoading: RECORDING_LOADING,
  recordingPlayer: RECORDING_PLAYER,
  recordingExpired: RECORDING_EXPIRED,
  recordingAvailableUntil: RECORDING_AVAILABLE_UNTIL,
  recordingError: RECORDING_ERROR,
  recordingNotFound: RECORDING_NOT_FOUND,
  recordingUnreachable: RECORDING_UNREACHABLE,
  noRecording: NO_RECORDING,
  noListenPermission: NO_LISTEN_PERMISSION,
  noAccess: NO_ACCESS,
  fieldAccess: FIELD_ACCESS,
  invalidRequest: INVALID_REQUEST,
  durationSeconds: DURATION_SECONDS,
  durationMinutes: DURATION_MINUTES,
  durationHours: DURATION_HOURS,
  justNow: JUST_NOW,
  yesterdayAt: YESTERDAY_AT,
  groupToday: GROUP_TODAY,
  groupYesterday: GROUP_YESTERDAY,
  countOne: COUNT_ONE,
  count: COUNT,
  countMore: COUNT_MORE,
  rangeLabel: RANGE_LABEL,
  rangeAny: RANGE_ANY,
  rangeWeek: RANGE_WEEK,
  rangeMonth: RANGE_MONTH,
  rangeYear: RANGE_YEAR,
  topicsMore: TOPICS_MORE,
  topicsMoreLabel: TOPICS_MORE_LABEL,
  rowActions: ROW_ACTIONS,
  openTask: OPEN_TASK,
  linkHere: LINK_HERE,
  addNote: ADD_NOTE,
  callHeading: CALL_HEADING,
  noRecord: NO_RECORD,
  linkFailed: LINK_FAILED,
  callBack: CALL_BACK,
  dialCalling: DIAL_CALLING,
  dialFailed: DIAL_FAILED
} as const;

export type LabelKey = keyof typeof LABELS;

/** Fills {0}, {1}, ... in a label, as String.format does in Apex. */
export function formatLabel(label: string, ...values: string[]): string {
  return label.replace(
    /\{(\d+)\}/g,
    (whole: string, index: string) => values[Number(index)] ?? whole
  );
}
