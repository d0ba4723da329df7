// The operations component as the LWC rollup plugin resolves it (the others are declared beside
// the preview harness, scripts/lwc/client/component.d.ts).
declare module 'c/rinkelOperations' {
  import type { LightningElement } from 'lwc';
  const RinkelOperations: typeof LightningElement;
  export default RinkelOperations;
}
