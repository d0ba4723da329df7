// Stand-in for RinkelScreenPopController.setAutoOpen: remembers the agent's choice.
export default function setAutoOpen(params?: Record<string, unknown>): Promise<void> {
  window.__RINKEL__.screenPop.agent.autoOpen = params?.autoOpen === true;
  return Promise.resolve();
}
