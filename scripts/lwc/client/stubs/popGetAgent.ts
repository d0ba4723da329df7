// Stand-in for RinkelScreenPopController.getAgent: the scenario's agent.
export default function getAgent(): Promise<unknown> {
  return Promise.resolve(window.__RINKEL__.screenPop.agent);
}
