// Compiled from rinkelRecordList.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// A list of records an agent opens with one click: the screen pop's matches for the caller's
// number and its search results. The parent decides what opening means (it navigates); the list
// only says which record was chosen, so it stays free of navigation and Apex.
import { LightningElement, api } from 'lwc';
import OPEN from '@salesforce/label/c.Rinkel_Record_Open';
/** Fired with the chosen record's id. */
export const OPEN_EVENT = 'open';
export default class RinkelRecordList extends LightningElement {
  /** Accessible name of the list, e.g. "Records with this number". */
  @api
  label = '';
  @api
  records = [];

  /** A record without a name still needs a visible, openable text: its id. */
  get rows() {
    return (this.records ?? []).filter(record => !!record?.recordId).map(record => {
      const name = record.name || record.recordId;
      return {
        recordId: record.recordId,
        name,
        title: OPEN.replace('{0}', name)
      };
    });
  }
  get hasRows() {
    return this.rows.length > 0;
  }
  handleOpen(event) {
    const recordId = event.currentTarget.dataset.recordId;
    if (recordId) {
      this.dispatchEvent(new CustomEvent(OPEN_EVENT, {
        detail: {
          recordId
        }
      }));
    }
  }
}
