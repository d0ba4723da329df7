// Child process of the backfill benchmark: runs the loopback fakes of Rinkel and Salesforce, so the
// memory figures are the backfill's own. Talks to its parent over IPC.
//   bench-fakes.ts <calls> <rinkel latency ms> <salesforce latency ms>

import { FakeBulkApi } from '../testing/fake-bulk-api';
import { FakeRinkel } from '../testing/fake-rinkel';
import { lazyCdrs, syntheticNumber } from '../testing/synthetic-cdrs';

export interface FakesReady {
  rinkelBaseUrl: string;
  apiKey: string;
  session: { instanceUrl: string; accessToken: string; apiVersion: string };
}

export interface FakesStats {
  rinkelRequests: number;
  salesforceRequests: number;
  salesforceByRoute: Record<string, number>;
  tasks: number;
  rateLimited: number;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 100_000);
  const rinkel = await FakeRinkel.start({ latencyMs: Number(process.argv[3] ?? 0) });
  rinkel.callDetailRecords = lazyCdrs(calls, { anonymousEvery: 10 });
  // Only the count of requests is needed; the fake's per-request log would grow with the run.
  rinkel.requests.push = function push(): number {
    rinkelCount++;
    return 0;
  };
  let rinkelCount = 0;
  const org = await FakeBulkApi.start({
    pollsUntilComplete: 1,
    latencyMs: Number(process.argv[4] ?? 0)
  });
  org.queries.push = () => 0;
  // One caller in a hundred has a Weborder.
  org.weborders = Array.from({ length: Math.ceil(calls / 100) }, (_, i) => ({
    Id: `a01${String(i).padStart(12, '0')}`,
    Rinkel_Phone_E164__c: syntheticNumber(i * 100 + 1),
    Status__c: 'New'
  }));
  process.on('message', (message) => {
    if (message === 'stats') {
      const stats: FakesStats = {
        rinkelRequests: rinkelCount,
        salesforceRequests: org.requestCount,
        salesforceByRoute: Object.fromEntries(org.requestsByRoute),
        tasks: org.tasks.size,
        rateLimited: rinkel.rateLimited
      };
      process.send?.(stats);
    } else if (message === 'close') {
      void Promise.all([rinkel.close(), org.close()]).then(() => process.exit(0));
    }
  });
  const ready: FakesReady = {
    rinkelBaseUrl: rinkel.baseUrl,
    apiKey: rinkel.apiKey,
    session: org.session
  };
  process.send?.(ready);
}

void main();
