// npm run bench:screen-pop [-- --runs 20]
//
// The screen pop's webhook-to-pop time in the local org (issue 18): starts the local org in a
// temporary state dir, and for each run posts an incomingCall for a sample Weborder's number to
// the Site, as Rinkel would, then measures
//   site    until the Site answered 200 (the guest transaction: auth, checks, publish)
//   event   until Rinkel_Screen_Pop__e reached /local/events (the stream a page's empApi reads:
//           the webhook trigger as the integration user, the number index, the publish)
//   answer  until RinkelScreenPopController.getPop, as the agent, answered with the caller's
//           Weborder (what the utility item shows)
// The first run may find the called number unknown and refresh the number index from Rinkel (a
// Queueable with a callout); it is printed apart, with the GET /numbers requests it caused. Not a test: the figures depend on the machine
// and on the offline runtime, which is no measure of Salesforce's own speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../core/paths';
import { openEventStream, platformEvent } from '../local-org/events-client';
import { loadStartLocalOrg } from '../local-org/host';
import { LOCAL_RINKEL_NUMBER, startLocalServer } from '../local-org/server';
import { webhookUrl } from '../webhooks/commands';
import { randomCallId } from '../webhooks/test-event';

interface Run {
  /** GET /numbers requests the run made Rinkel answer (the number index being refreshed). */
  numberLookups: number;
  site: number;
  event: number;
  answer: number;
  matches: number;
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const f = (v: number): string => `${v.toFixed(0).padStart(5)} ms`;
  return `min ${f(sorted[0] ?? NaN)}  median ${f(at(0.5))}  p95 ${f(at(0.95))}  max ${f(sorted[sorted.length - 1] ?? NaN)}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: 'string', default: '20' } }
  });
  const runs = Math.max(1, Math.min(500, Number(values.runs) || 20));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rinkel-bench-pop-'));
  const startLocalOrg = await loadStartLocalOrg();
  const server = await startLocalServer({
    root: REPO_ROOT,
    port: 0,
    stateDir,
    reset: true,
    speed: 1,
    startLocalOrg,
    log: () => undefined
  });
  const stream = await openEventStream(server.url);
  const { org } = server;
  const weborder = org.weborders.find(
    (w) => w.e164 && w.status !== 'Closed' && w.status !== 'Cancelled'
  );
  if (!weborder?.e164) throw new Error('the local org has no open sample Weborder with a number');
  const numberLookups = (): number =>
    server.telephony.requests.filter((r) => r.method === 'GET' && r.path === '/numbers').length;
  const results: Run[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const callId = randomCallId();
      const lookupsBefore = numberLookups();
      const started = performance.now();
      const response = await fetch(
        webhookUrl(server.url, 'incomingCall', org.secrets.webhookSecret),
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            id: callId,
            datetime: new Date().toISOString(),
            to: LOCAL_RINKEL_NUMBER.number,
            from: weborder.e164
          })
        }
      );
      const site = performance.now() - started;
      if (response.status !== 200)
        throw new Error(`the Site answered ${response.status}: ${await response.text()}`);
      const message = await stream.next(
        platformEvent('/event/Rinkel_Screen_Pop__e', (payload) => payload.Call_Id__c === callId)
      );
      const event = message.receivedAt - started;
      const answer = await fetch(`${server.url}/local/aura`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          className: 'RinkelScreenPopController',
          method: 'getPop',
          params: { callId },
          as: 'agent'
        })
      });
      const pop = (await answer.json()) as {
        ok: boolean;
        value?: { matches?: unknown[] } | null;
        error?: { message: string };
      };
      if (!pop.ok || !pop.value) {
        throw new Error(`getPop did not answer the agent with the call: ${JSON.stringify(pop)}`);
      }
      results.push({
        numberLookups: numberLookups() - lookupsBefore,
        site,
        event,
        answer: performance.now() - started,
        matches: pop.value.matches?.length ?? 0
      });
    }
  } finally {
    stream.close();
    await server.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const [first, ...rest] = results;
  console.log(
    `Screen pop in the local org: incomingCall for ${weborder.name} (${weborder.e164}), ${runs} runs, ${os.cpus().length} cores, Node ${process.version}`
  );
  if (first) {
    console.log(
      `first call (${first.numberLookups} GET /numbers to Rinkel): site ${first.site.toFixed(0)} ms, event ${first.event.toFixed(0)} ms, answer ${first.answer.toFixed(0)} ms, ${first.matches} match(es)`
    );
  }
  if (rest.length > 0) {
    const lookups = rest.reduce((sum, r) => sum + r.numberLookups, 0);
    console.log(`next ${rest.length} calls (${lookups} GET /numbers to Rinkel):`);
    console.log(`  site    ${stats(rest.map((r) => r.site))}`);
    console.log(`  event   ${stats(rest.map((r) => r.event))}`);
    console.log(`  answer  ${stats(rest.map((r) => r.answer))}`);
  }
  if (results.some((r) => r.matches === 0)) {
    console.log(
      `! The agent got no matching Weborder for ${weborder.e164}: the pop answered "no match" (see docs/local-org.md, "What the local org found").`
    );
  }
  console.log('Offline runtime on loopback: compare runs with each other, not with an org.');
}

main().catch((error: unknown) => {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
