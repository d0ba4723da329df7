// One group of the timeline (Today, Yesterday, a month) with its calls. A group re-renders only
// when its own calls change: a live update touches one group, not every call on the page.
// Light DOM, like the rows, so the whole list is one tree for styles, tests and screen readers.
import { LightningElement, api } from 'lwc';

export default class CallTimelineGroup extends LightningElement {
  static renderMode = 'light' as const;

  /** { key, title, items: CallView[] } from callTimeline/callView.ts (ViewCache). */
  @api group?: { key: string; title: string; items: { taskId: string }[] };
  @api labels?: Record<string, string>;
  @api recordId?: string;
}
