// A Node client of /local/events (server-sent events), for the benchmark and the tests: what a
// page's EventSource receives, parsed.
export interface StreamMessage {
  event: string;
  data: unknown;
  receivedAt: number;
}

export interface EventStream {
  /** Resolves with the first message (from now on, or already received) that passes `accept`. */
  next(accept: (message: StreamMessage) => boolean, timeoutMs?: number): Promise<StreamMessage>;
  readonly messages: StreamMessage[];
  close(): void;
}

export async function openEventStream(url: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/local/events`, { signal: controller.signal });
  if (!response.ok || !response.body) {
    throw new Error(`${url}/local/events answered ${response.status}`);
  }
  const messages: StreamMessage[] = [];
  const waiting: { accept: (m: StreamMessage) => boolean; resolve: (m: StreamMessage) => void }[] =
    [];
  const deliver = (message: StreamMessage): void => {
    messages.push(message);
    for (const waiter of [...waiting]) {
      if (waiter.accept(message)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) {
            deliver({
              event,
              data: JSON.parse(data.join('\n')) as unknown,
              receivedAt: performance.now()
            });
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close(), or the server went away: nothing more will arrive.
    }
  })();
  return {
    messages,
    next(accept, timeoutMs = 30_000) {
      const found = messages.find(accept);
      if (found) return Promise.resolve(found);
      return new Promise<StreamMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no matching message on /local/events within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          accept,
          resolve: (message: StreamMessage) => {
            clearTimeout(timer);
            resolve(message);
          }
        };
        waiting.push(waiter);
      });
    },
    close: () => controller.abort()
  };
}

/** A platform event on `channel` whose payload passes `accept`. */
export function platformEvent(
  channel: string,
  accept: (payload: Record<string, unknown>) => boolean = () => true
): (message: StreamMessage) => boolean {
  return (message) => {
    if (message.event !== 'platform-event') return false;
    const data = message.data as { channel?: string; data?: { payload?: Record<string, unknown> } };
    return data.channel === channel && accept(data.data?.payload ?? {});
  };
}
