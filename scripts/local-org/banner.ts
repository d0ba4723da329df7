// The start-up output of `npm start`: where everything is and how to use it.
import path from 'node:path';
import { webhookEndpoint } from '../webhooks/commands';
import type { LocalOrg } from './org-types';

export interface BannerInput {
  url: string;
  org: LocalOrg;
  readyMs: number;
  stateDir: string;
  /** The file send-test-event and curl read the webhook secret from (relative to the root). */
  secretFile: string;
  /** Whether send-test-event finds the secret by itself (the alias `local` is the only org). */
  aliasFound: boolean;
  /** The secret line: in full on the start that generated it, masked after. */
  secretLine: string;
  root: string;
  speed: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A path as the user would type it from the project root: relative inside it, absolute outside. */
export function displayPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

export function bannerLines(input: BannerInput): string[] {
  const { url, org } = input;
  const { timings } = org;
  const stateDir = displayPath(input.root, input.stateDir);
  const secretFile = displayPath(input.root, input.secretFile);
  const required = path.isAbsolute(secretFile) ? secretFile : `./${secretFile}`;
  const token = `$(node -p "require('${required}').webhookSecret")`;
  const sample = org.weborders.find((w) => w.e164) ?? org.weborders[0];
  const lines = [
    '',
    "Rinkel for Salesforce · local org (the product's own Apex on the offline runtime, no account needed)",
    `Ready in ${seconds(input.readyMs)} (the org ${seconds(timings.totalMs)}, its Apex ${timings.fromCache ? 'from the cache' : 'parsed'} in ${seconds(timings.parseMs)})${input.speed === 1 ? '' : `; clock ×${input.speed}`}`,
    '',
    `  Weborders        ${url}/            (Nederlands: ${url}/?lang=nl)`,
    `  Operations       ${url}/operations`,
    `  Site             ${webhookEndpoint(url, '<event>')}?token=…   (Rinkel's webhooks)`,
    `  Control          POST ${url}/local/calls   ·   status: ${url}/local/status`,
    '',
    'Sample numbers to call with:'
  ];
  const nameWidth = Math.max(8, ...org.weborders.map((w) => w.name.length)) + 2;
  const phoneWidth = Math.max(10, ...org.weborders.map((w) => w.phone.length)) + 2;
  for (const weborder of org.weborders) {
    lines.push(
      `  ${pad(weborder.name, nameWidth)}${pad(weborder.phone, phoneWidth)}${pad(weborder.e164 ?? '-', 15)}${weborder.status ?? ''}`
    );
  }
  const number = sample?.phone ?? '06 12345678';
  lines.push(
    '',
    'Make a call (the fake Rinkel posts callEnd, then callInsights, to the Site):',
    `  curl -s -X POST ${url}/local/calls -H 'Content-Type: application/json' -d '{"number": "${number}"}'`,
    '  or "Simulate a call" on a Weborder page; fields: number, direction, status, duration, insights, recording, ring',
    '',
    'Send a webhook yourself:',
    input.aliasFound
      ? `  npm run send-test-event -- callEnd --url ${url}`
      : `  RINKEL_WEBHOOK_SECRET=${token} npm run send-test-event -- callEnd --url ${url}`,
    `  curl -s -X POST "${webhookEndpoint(url, 'callEnd')}?token=${token}" \\`,
    `       -H 'Content-Type: application/json' -d '{"id": "1c8b83a7c690084224ec3984515bc1a2", "datetime": "2026-01-05T10:00:00Z", "cause": "ANSWERED"}'`,
    '',
    input.secretLine,
    `State: ${stateDir}/ (survives a restart; npm start -- --reset starts from the sample data again)`,
    `Users: ${org.users.agent.username} (the pages), ${org.users.admin.username} (Operations), ${org.users.integration.username} (event processing), ${org.users.guest.username} (Site guest)`,
    'Ctrl-C stops everything.'
  );
  return lines;
}
