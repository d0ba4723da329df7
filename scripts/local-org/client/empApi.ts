// lightning/empApi on the local org: one EventSource on /local/events carries every platform
// event the org publishes after commit; subscribe() filters it by channel, as CometD does.
import type { EmpMessage, EmpSubscription } from 'lightning/empApi';

type Handler = (message: EmpMessage) => void;

const handlers = new Map<string, { channel: string; onMessage: Handler }>();
const errorHandlers: ((error: unknown) => void)[] = [];
let source: EventSource | null = null;
let nextId = 1;

function connect(): void {
  if (source) return;
  source = new EventSource('/local/events');
  source.addEventListener('open', () => {
    window.__LOCAL__.streamOpen = true;
  });
  source.addEventListener('platform-event', (event) => {
    const message = JSON.parse((event as MessageEvent<string>).data) as EmpMessage;
    for (const { channel, onMessage } of handlers.values()) {
      if (channel === message.channel) onMessage(message);
    }
  });
  source.addEventListener('error', (error) => {
    // EventSource reconnects by itself; the components only log what they are told.
    for (const handler of errorHandlers) handler(error);
  });
}

export function subscribe<T = Record<string, unknown>>(
  channel: string,
  replayId: number,
  onMessage: (message: EmpMessage<T>) => void
): Promise<EmpSubscription> {
  connect();
  const id = String(nextId++);
  handlers.set(id, { channel, onMessage: onMessage as Handler });
  return Promise.resolve({ id, channel, replayId });
}

export function unsubscribe(subscription: EmpSubscription): Promise<unknown> {
  if (subscription.id) handlers.delete(subscription.id);
  return Promise.resolve(true);
}

export function onError(callback: (error: unknown) => void): void {
  errorHandlers.push(callback);
}

export function isEmpEnabled(): Promise<boolean> {
  return Promise.resolve(true);
}

export function setDebugFlag(): Promise<void> {
  return Promise.resolve();
}
