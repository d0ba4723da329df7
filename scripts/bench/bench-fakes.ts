// Child process of backfill-bench.ts: runs the loopback fakes of Rinkel and Salesforce, so the
// benchmark's memory figures are the backfill's own. Talks to the parent over IPC.

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
  tasks: number;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 100_000);
  const rinkel = await FakeRinkel.start();
  rinkel.callDetailRecords = lazyCdrs(calls, { anonymousEvery: 10 });
  const org = await FakeBulkApi.start({ pollsUntilComplete: 1 });
  // One caller in a hundred has a Weborder.
  org.weborders = Array.from({ length: Math.ceil(calls / 100) }, (_, i) => ({
    Id: `a01${String(i).padStart(12, '0')}`,
    Rinkel_Phone_E164__c: syntheticNumber(i * 100 + 1),
    Status__c: 'New'
  }));
  process.on('message', (message) => {
    if (message === 'stats') {
      const stats: FakesStats = {
        rinkelRequests: rinkel.requests.length,
        salesforceRequests: org.requestCount,
        tasks: org.tasks.size
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
