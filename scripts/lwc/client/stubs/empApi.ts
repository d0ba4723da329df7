// Stand-in for lightning/empApi: tests publish Rinkel_Call_Update__e with window.__RINKEL__.emit.
import type { EmpSubscription } from 'lightning/empApi';

export function subscribe(
  channel: string,
  replayId: number,
  onMessage: (message: unknown) => void
): Promise<EmpSubscription> {
  window.__RINKEL__.empHandlers.push(onMessage);
  return Promise.resolve({ id: String(window.__RINKEL__.empHandlers.length), channel, replayId });
}

export function unsubscribe(): Promise<unknown> {
  window.__RINKEL__.empHandlers = [];
  return Promise.resolve(true);
}

export function onError(): void {
  // Errors of the real streaming client have no counterpart here.
}

export function isEmpEnabled(): Promise<boolean> {
  return Promise.resolve(true);
}

export function setDebugFlag(): Promise<void> {
  return Promise.resolve();
}
