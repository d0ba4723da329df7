// Stand-in for CallTimelineController.getCall: one call by its call id, under the same rules as
// the controller (this record, or a number of this record's own calls), or null.
import type { CallEntry } from '../../../../force-app/timeline/lwc/callTimeline/callView';

export default async function getCall(params?: Record<string, unknown>): Promise<CallEntry | null> {
  const state = window.__RINKEL__;
  const callId = (typeof params?.callId === 'string' ? params.callId : '').trim().toLowerCase();
  state.getCallRequests.push(callId);
  if (state.delayMs > 0) {
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- simulated server latency
    await new Promise((resolve) => setTimeout(resolve, state.delayMs));
  }
  const call = state.calls.find((candidate) => candidate.callId.toLowerCase() === callId);
  const numbers = new Set(
    state.calls.filter((c) => c.linkedHere && c.externalNumber).map((c) => c.externalNumber)
  );
  const belongs = !!call && (call.linkedHere || numbers.has(call.externalNumber ?? null));
  state.getCallResolvedAt = performance.now();
  state.onAnswer?.();
  // A JSON round trip, as the Aura transport gives the component fresh plain objects.
  return belongs ? (JSON.parse(JSON.stringify(call)) as CallEntry) : null;
}
