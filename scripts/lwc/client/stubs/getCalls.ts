// Stand-in for CallTimelineController.getCalls: the same filter, same-number and paging rules
// over the calls the page was given, with a configurable delay and failure.
import type { CallEntry, CallPage } from '../../../../force-app/timeline/lwc/callTimeline/callView';

interface Request {
  filter?: string;
  includeSameNumber?: boolean;
  pageSize?: number;
  cursor?: string | null;
  range?: string;
}

const RANGE_DAYS: Record<string, number> = { week: 7, month: 30, year: 365 };

function matches(call: CallEntry, request: Request): boolean {
  if (!call.linkedHere && request.includeSameNumber !== true) {
    return false;
  }
  const days = RANGE_DAYS[request.range ?? 'any'];
  if (days !== undefined && Date.parse(call.startedAt) < Date.now() - days * 86_400_000) {
    return false;
  }
  const status = (call.status ?? '').toUpperCase();
  switch (request.filter ?? 'all') {
    case 'inbound':
      return call.direction === 'inbound';
    case 'outbound':
      return call.direction === 'outbound';
    case 'missed':
      return status === 'MISSED' || status === 'VOICEMAIL';
    default:
      return true;
  }
}

export default async function getCalls(params?: Record<string, unknown>): Promise<CallPage> {
  const state = window.__RINKEL__;
  const request = (params?.request ?? {}) as Request;
  state.requests.push(JSON.parse(JSON.stringify(params ?? {})) as Record<string, unknown>);
  if (state.delayMs > 0) {
    // eslint-disable-next-line @lwc/lwc/no-async-operation -- simulated server latency
    await new Promise((resolve) => setTimeout(resolve, state.delayMs));
  }
  if (state.failWith) {
    // Shaped like the error of an imperative Apex call: the message sits in body.message.
    throw Object.assign(new Error(state.failWith), { body: { message: state.failWith } });
  }
  const size = request.pageSize && request.pageSize > 0 ? request.pageSize : 20;
  const all = state.calls
    .filter((call) => matches(call, request))
    .sort(
      (a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.taskId < b.taskId ? 1 : -1)
    );
  // Keyset paging as the controller does (start time + Task Id): a call added meanwhile does
  // not shift the next page.
  const [afterTime, afterId] = (request.cursor ?? '').split('_');
  const start = request.cursor
    ? all.findIndex(
        (call) =>
          Date.parse(call.startedAt) < Number(afterTime) ||
          (Date.parse(call.startedAt) === Number(afterTime) && call.taskId < (afterId ?? ''))
      )
    : 0;
  const end = (start < 0 ? all.length : start) + size;
  // A JSON round trip, as the Aura transport gives the component fresh plain objects.
  const calls = JSON.parse(
    JSON.stringify(all.slice(start < 0 ? all.length : start, end))
  ) as CallEntry[];
  const last = calls.at(-1);
  return {
    calls,
    hasMore: end < all.length,
    nextCursor: end < all.length && last ? `${Date.parse(last.startedAt)}_${last.taskId}` : null,
    canListen: state.canListen,
    total: Math.min(all.length, 2001)
  };
}
