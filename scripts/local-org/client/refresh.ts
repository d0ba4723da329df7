// lightning/refresh on the local org: the page's Refresh button runs the registered handlers, as a
// RefreshEvent in Lightning Experience would.
const handlers = new Map<string, () => unknown>();
let next = 1;

export function registerRefreshHandler(_element: object, handler: () => unknown): string {
  const id = String(next++);
  handlers.set(id, handler);
  return id;
}

export function unregisterRefreshHandler(id: string): void {
  handlers.delete(id);
}

export function refreshAll(): void {
  for (const handler of handlers.values()) void handler();
}
