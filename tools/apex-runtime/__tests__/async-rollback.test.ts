/**
 * A transaction the runtime runs for async work and that ends in an exception leaves nothing it
 * queued behind ("Queueable Apex": "If an Apex transaction rolls back, any queueable jobs queued
 * for execution by the transaction aren't processed",
 * https://developer.salesforce.com/docs/atlas.en-us.254.0.apexcode.meta/apexref/apex_queueing_jobs.htm),
 * while the finalizer of a failed job runs in a transaction of its own and what it enqueues is
 * kept ("Transaction Finalizers": "The Queueable job and the Finalizer run in separate Apex and
 * Database transactions",
 * https://developer.salesforce.com/docs/platform/apex-dev/references/apex-dev/apex-transaction-finalizers.html).
 *
 * Outside test context on the plain runtime (no local-org host), because in an Apex test chaining
 * and enqueueing from a finalizer are not allowed or not modelled; the test-context cases are in
 * the conformance class ConfAsyncRollbackTest.
 */
import path from 'node:path';
import type { Pos } from '../src/ast';
import { runJob } from '../src/platform/async';
import { runTransaction } from '../src/platform/tx';
import { createRuntime, type Runtime } from '../src/runner';

const CONFORMANCE = path.join(__dirname, '..', 'conformance');
const AT = { line: 1, col: 1 } as Pos;

jest.setTimeout(120_000);

let rtm: Runtime;
beforeAll(() => {
  rtm = createRuntime(CONFORMANCE, []);
});

beforeEach(() => {
  rtm.resetTransaction();
  rtm.resetStatics();
  rtm.db.restore(rtm.base);
  rtm.org.inTest = false;
});

function queueableRows(): { id: string; status: unknown }[] {
  return [...rtm.db.table('asyncapexjob').values()]
    .filter((r) => r.get('jobtype') === 'Queueable')
    .map((r) => ({ id: String(r.get('id')), status: r.get('status') }));
}

/** Enqueues `className` in a transaction that commits and returns its job entry. */
function enqueueCommitted(className: string, args: unknown[] = []) {
  const cls = rtm.ip.classes.get(className.toLowerCase())!;
  const r = runTransaction(rtm.lib, rtm.ip, 'request', () => {
    rtm.lib.enqueueJob(rtm.ip, [rtm.ip.instantiate(cls, args, AT)], AT);
  });
  expect(r.error).toBeNull();
  return rtm.org.jobs[rtm.org.jobs.length - 1]!;
}

test('a failed Queueable: the job it chained is dropped, the one its finalizer enqueued runs', () => {
  const failing = enqueueCommitted('ConfFailingJob');
  const { res, fr } = runJob(rtm.lib, rtm.ip, failing, AT);
  expect(res.error?.ex.cls.name).toBe('ConfFailingJob.JobFailure');
  expect(fr?.error).toBeNull();

  const rows = queueableRows();
  // the failed job and the finalizer's job; the chained job's row went with its transaction
  expect(rows).toHaveLength(2);
  expect(rows.find((r) => r.id === failing.id)?.status).toBe('Failed');
  const pending = rtm.org.jobs.filter((j) => !j.done);
  expect(pending).toHaveLength(1);
  const retry = pending[0]!;
  expect(rows.find((r) => r.id === retry.id)?.status).toBe('Queued');
  expect(rtm.lib.platform.async.jobs.get(retry.id)?.depth).toBe(2);

  const second = runJob(rtm.lib, rtm.ip, retry, AT);
  expect(second.res.error).toBeNull();
  expect(queueableRows().find((r) => r.id === retry.id)?.status).toBe('Completed');
  const accounts = [...rtm.db.table('account').values()].filter(
    (r) => r.get('name') === 'from queueable'
  );
  expect(accounts).toHaveLength(1);
});

test('a Queueable that commits keeps the job it chained', () => {
  const first = enqueueCommitted('ConfQueueable', [false]);
  const cls = rtm.ip.classes.get('confqueueable')!;
  // chain from inside a running job outside tests, as a job of the org would
  rtm.org.running = { id: first.id, job: first.job, finalizer: null, inFinalizer: false };
  const r = runTransaction(rtm.lib, rtm.ip, 'queueable', () => {
    rtm.lib.enqueueJob(rtm.ip, [rtm.ip.instantiate(cls, [false], AT)], AT);
  });
  rtm.org.running = null;
  expect(r.error).toBeNull();
  expect(rtm.org.jobs.filter((j) => !j.done && j.id !== first.id)).toHaveLength(1);
  expect(queueableRows()).toHaveLength(2);
});
