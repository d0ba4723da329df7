// Stand-in for CallRecordingController.getStreamUrl: a short tone served by the preview server.
export default async function getStreamUrl(params?: Record<string, unknown>): Promise<string> {
  const state = window.__RINKEL__;
  const taskId = String(params?.taskId ?? '');
  state.streamRequests.push(taskId);
  await new Promise((resolve) => setTimeout(resolve, Math.min(state.delayMs, 300)));
  return `${state.audioUrl}?task=${encodeURIComponent(taskId)}`;
}
