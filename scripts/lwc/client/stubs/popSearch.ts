// Stand-in for RinkelScreenPopController.searchRecords: the scenario's results for any term.
export default function searchRecords(params?: Record<string, unknown>): Promise<unknown> {
  const state = window.__RINKEL__.screenPop;
  state.searches.push(typeof params?.term === 'string' ? params.term : '');
  return Promise.resolve(state.searchResults);
}
