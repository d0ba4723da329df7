// Stand-in for lightning/refresh: window.__RINKEL__.refresh() runs the registered handlers, as
// a RefreshEvent from the page would.
export function registerRefreshHandler(_element: object, handler: () => unknown): string {
  window.__RINKEL__.refreshHandlers.push(handler);
  return String(window.__RINKEL__.refreshHandlers.length);
}

export function unregisterRefreshHandler(): void {
  window.__RINKEL__.refreshHandlers = [];
}
