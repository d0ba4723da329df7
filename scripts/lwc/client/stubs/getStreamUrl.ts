// Stand-in for CallRecordingController.getStreamUrl: a short tone served by the preview server.
export default async function getStreamUrl(params?: Record<string, unknown>): Promise<string> {
  const state = window.__RINKEL__;
  const taskId = typeof params?.taskId === 'string' ? params.taskId : '';
  state.streamRequests.push(taskId);
  // eslint-disable-next-line @lwc/lwc/no-async-operation -- simulated server latency
  await new Promise((resolve) => setTimeout(resolve, Math.min(state.delayMs, 300)));
  state.streamResolvedAt = performance.now();
  state.onAnswer?.();
  return `${state.audioUrl}?task=${encodeURIComponent(taskId)}`;
}
