// Stand-in for RinkelScreenPopController.getPop: records the call id, answers the scenario's pop.
export default function getPop(params?: Record<string, unknown>): Promise<unknown> {
  const state = window.__RINKEL__.screenPop;
  state.requests.push(typeof params?.callId === 'string' ? params.callId : '');
  return Promise.resolve(state.pop);
}
