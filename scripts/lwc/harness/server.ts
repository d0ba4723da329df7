// Serves the preview page on loopback: an SLDS record page around the timeline, the bundle, the
// SLDS assets from npm and a short tone standing in for a Rinkel recording.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CallEntry } from '../../../force-app/timeline/lwc/callTimeline/callView';
import { REPO_ROOT } from '../../core/paths';
import { BUNDLE_DIR, BUNDLE_FILE } from './paths';
import { type Language, loadLabels } from './labels';
import { RECORD_ID, TIME_ZONE, hostileCalls, sampleCalls } from './sample-calls';

const SLDS_ASSETS = path.join(
  REPO_ROOT,
  'node_modules',
  '@salesforce-ux',
  'design-system',
  'assets'
);

export interface Scenario {
  calls: CallEntry[];
  language: Language;
  canListen: boolean;
  delayMs: number;
  failWith: string | null;
  pageSize: number | null;
  /** Width of the timeline's column in px (a record page sidebar is about 300); null = 2/3. */
  width: number | null;
  /** false for ?record=none: the component gets no record id. */
  hasRecord: boolean;
  /** ?dial=0: the agent lacks the click-to-dial permission. */
  canDial: boolean;
  /** ?dialResult=refused: RinkelDialController answers with a refusal. */
  dialRefused: boolean;
  /** ?action=call: the Call quick action (rinkelCallAction); ?action=pop: the screen pop. */
  action: 'call' | 'pop' | null;
  /** ?match=0|1|2: records with the caller's number in the screen pop. */
  popMatches: number;
}

export interface PreviewServer {
  url: string;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
};

/** Two seconds of a quiet 440 Hz tone as 8 kHz mono 16-bit WAV. */
export function toneWav(seconds = 2, rate = 8000): Buffer {
  const samples = seconds * rate;
  const buffer = Buffer.alloc(44 + samples * 2);
  buffer.write('RIFF', 0);
  buffer.writeUInt32LE(36 + samples * 2, 4);
  buffer.write('WAVEfmt ', 8);
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36);
  buffer.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    buffer.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 3000), 44 + i * 2);
  }
  return buffer;
}

/** Query string → scenario: ?calls=3&lang=nl&listen=0&delay=300&fail=message&pageSize=20&width=300&set=hostile */
export function scenarioFromQuery(query: URLSearchParams, calls?: CallEntry[]): Scenario {
  const count = Math.max(0, Math.min(Number(query.get('calls') ?? '3') || 0, 5000));
  return {
    calls: calls ?? (query.get('set') === 'hostile' ? hostileCalls() : sampleCalls(count)),
    language: query.get('lang') === 'nl' ? 'nl' : 'en',
    canListen: query.get('listen') !== '0',
    delayMs: Math.max(0, Number(query.get('delay') ?? '0') || 0),
    failWith: query.get('fail'),
    pageSize: query.get('pageSize') ? Number(query.get('pageSize')) : null,
    width: Number(query.get('width')) > 0 ? Number(query.get('width')) : null,
    hasRecord: query.get('record') !== 'none',
    canDial: query.get('dial') !== '0',
    dialRefused: query.get('dialResult') === 'refused',
    action: query.get('action') === 'call' ? 'call' : query.get('action') === 'pop' ? 'pop' : null,
    popMatches: Math.max(0, Math.min(Number(query.get('match') ?? '1') || 0, 5))
  };
}

function escapeScript(json: string): string {
  return json.replace(/</g, '\\u003c');
}

export function pageHtml(scenario: Scenario, origin: string): string {
  const labels = loadLabels(scenario.language);
  const state = {
    recordId: scenario.hasRecord ? RECORD_ID : '',
    locale: scenario.language === 'nl' ? 'nl-NL' : 'en-US',
    timeZone: TIME_ZONE,
    labels,
    calls: scenario.calls,
    canListen: scenario.canListen,
    delayMs: scenario.delayMs,
    failWith: scenario.failWith,
    pageSize: scenario.pageSize,
    audioUrl: `${origin}/audio/recording.wav`,
    requests: [],
    streamRequests: [],
    getCallRequests: [],
    getCallResolvedAt: null,
    streamResolvedAt: null,
    linkRequests: [],
    navigations: [],
    refreshHandlers: [],
    empHandlers: [],
    permissions: { Rinkel_Click_To_Dial: scenario.canDial },
    dialResult: scenario.dialRefused
      ? { placed: false, message: labels.Rinkel_Dial_No_Device ?? '' }
      : {
          placed: true,
          message: (labels.Rinkel_Dial_Placed ?? '').replace('{0}', '06 12345678')
        },
    dialRequests: [],
    actionClosed: false,
    action: scenario.action,
    screenPop: {
      agent: { rinkelUserId: '66AB605DDAC0AF208D5F0DAB', autoOpen: false },
      pop: {
        callId: '1c8b83a7c690084224ec3984515bc1a2',
        eventName: 'incomingCall',
        callerNumber: '+31612345678',
        anonymous: false,
        matches: [
          { recordId: RECORD_ID, name: 'WO-1234 · J. de Vries, Hoofdstraat 1 Amsterdam' },
          { recordId: 'a015g00000WO1299AA', name: 'WO-1299' }
        ].slice(0, scenario.popMatches)
      },
      searchResults: [{ recordId: 'a015g00000WO1300AA', name: 'WO-1300' }],
      requests: [],
      searches: []
    },
    mountedAt: 0,
    firstRenderMs: null
  };
  return `<!doctype html>
<html lang="${scenario.language}">
<head>
<meta charset="utf-8">
<title>Rinkel call timeline — preview</title>
<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css">
<style>
  html, body { background: #f3f3f3; margin: 0; }
  .page { padding: 0.75rem; max-width: 1180px; }
  .column { max-width: 720px; }${
    scenario.width === null
      ? ''
      : `\n  #timeline { flex: none; width: ${scenario.width}px; max-width: none; padding: 0; }`
  }
  .details dt { color: #706e6b; font-size: 0.75rem; }
  .details dd { margin: 0 0 0.75rem; }
</style>
<script>window.__RINKEL__ = ${escapeScript(JSON.stringify(state))};</script>
</head>
<body>
<div class="page">
  <div class="slds-page-header slds-page-header_record-home slds-m-bottom_small">
    <div class="slds-page-header__row">
      <div class="slds-page-header__col-title">
        <div class="slds-media">
          <div class="slds-media__figure">
            <span class="slds-icon_container slds-icon-standard-orders" title="Weborder">
              <svg class="slds-icon slds-page-header__icon" aria-hidden="true"><use href="/slds/icons/standard-sprite/svg/symbols.svg#orders"></use></svg>
            </span>
          </div>
          <div class="slds-media__body">
            <div class="slds-page-header__name">
              <div class="slds-page-header__name-title">
                <h1><span>Weborder</span><span class="slds-page-header__title slds-truncate">WO-1234</span></h1>
              </div>
            </div>
          </div>
        </div>
      </div>
    </div>
  </div>
  <div class="slds-grid slds-gutters_x-small">
    <div class="slds-col slds-size_2-of-3 column" id="timeline"></div>
    <div class="slds-col slds-size_1-of-3">
      <article class="slds-card"><div class="slds-card__body slds-card__body_inner slds-p-top_small">
        <dl class="details">
          <dt>Customer</dt><dd>J. de Vries</dd>
          <dt>Phone</dt><dd>06 12345678</dd>
          <dt>Status</dt><dd>In progress</dd>
        </dl>
      </div></article>
    </div>
  </div>
</div>
<script src="/${BUNDLE_FILE}"></script>
</body>
</html>`;
}

export async function startPreviewServer(
  options: { port?: number; calls?: () => CallEntry[] | undefined } = {}
): Promise<PreviewServer> {
  const wav = toneWav();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Buffer) => {
      response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      response.end(body);
    };
    if (url.pathname === '/') {
      const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
      send(
        200,
        'text/html; charset=utf-8',
        pageHtml(scenarioFromQuery(url.searchParams, options.calls?.()), origin)
      );
      return;
    }
    if (url.pathname === `/${BUNDLE_FILE}`) {
      send(200, TYPES['.js']!, fs.readFileSync(path.join(BUNDLE_DIR, BUNDLE_FILE)));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      send(204, 'image/x-icon', '');
      return;
    }
    if (url.pathname === '/audio/recording.wav') {
      send(200, 'audio/wav', wav);
      return;
    }
    if (url.pathname.startsWith('/slds/')) {
      const file = path.resolve(
        SLDS_ASSETS,
        decodeURIComponent(url.pathname.slice('/slds/'.length))
      );
      if (
        file.startsWith(SLDS_ASSETS + path.sep) &&
        fs.existsSync(file) &&
        fs.statSync(file).isFile()
      ) {
        send(200, TYPES[path.extname(file)] ?? 'application/octet-stream', fs.readFileSync(file));
        return;
      }
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  };
}
