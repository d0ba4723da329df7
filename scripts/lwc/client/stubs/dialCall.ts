// Stand-in for RinkelDialController.dialCall: records the request, answers with the scenario's result.
export default function dialCall(params?: Record<string, unknown>): Promise<unknown> {
  const state = window.__RINKEL__;
  state.dialRequests.push({
    method: 'dialCall',
    ...(JSON.parse(JSON.stringify(params ?? {})) as object)
  });
  return Promise.resolve(state.dialResult);
}
