// Compiled from callTimelineGroup.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// One group of the timeline (Today, Yesterday, a month) with its calls. A group re-renders only
// when its own calls change: a live update touches one group, not every call on the page.
// Light DOM, like the rows, so the whole list is one tree for styles, tests and screen readers.
import { LightningElement, api } from 'lwc';
export default class CallTimelineGroup extends LightningElement {
  static renderMode = 'light';

  /** { key, title, items: CallView[] } from callTimeline/callView.ts (ViewCache). */
  @api
  group;
  @api
  labels;
  @api
  recordId;
}
