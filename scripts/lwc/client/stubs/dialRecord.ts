// Stand-in for RinkelDialController.dialRecord: records the request, answers with the scenario's result.
export default function dialRecord(params?: Record<string, unknown>): Promise<unknown> {
  const state = window.__RINKEL__;
  state.dialRequests.push({
    method: 'dialRecord',
    ...(JSON.parse(JSON.stringify(params ?? {})) as object)
  });
  const answer = state.dialResult;
  return state.delayMs > 0
    ? // eslint-disable-next-line @lwc/lwc/no-async-operation -- simulated server latency
      new Promise((resolve) => setTimeout(() => resolve(answer), state.delayMs))
    : Promise.resolve(answer);
}
