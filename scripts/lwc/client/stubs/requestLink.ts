// Stand-in for CallTimelineController.requestLink: records the request, answers with the label.
export default function requestLink(params?: Record<string, unknown>): Promise<string> {
  const state = window.__RINKEL__;
  state.linkRequests.push(JSON.parse(JSON.stringify(params ?? {})) as Record<string, unknown>);
  return Promise.resolve(state.labels.Rinkel_Timeline_Link_Requested ?? '');
}
