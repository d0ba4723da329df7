// The component under test, as the LWC rollup plugin resolves it.
declare module 'c/callTimeline' {
  import type { LightningElement } from 'lwc';
  const CallTimeline: typeof LightningElement;
  export default CallTimeline;
}

declare module 'c/rinkelCallAction' {
  import type { LightningElement } from 'lwc';
  const RinkelCallAction: typeof LightningElement;
  export default RinkelCallAction;
}

declare module 'c/rinkelScreenPop' {
  import type { LightningElement } from 'lwc';
  const RinkelScreenPop: typeof LightningElement;
  export default RinkelScreenPop;
}
