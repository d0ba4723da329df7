// The local org's pages: an SLDS shell around the real components. The Weborder list and the
// record header are read in system mode by the host (they stand in for Lightning's own list view
// and record layout, which are not the product); everything the product shows comes from its
// components and their Apex controllers.
import type { Language } from '../lwc/harness/labels';

export interface PageUser {
  username: string;
  name: string;
}

export interface PageContext {
  language: Language;
  labels: Record<string, string>;
  permissions: Record<string, boolean>;
  user: PageUser;
  timeZone: string;
  bundleUrl: string;
}

export interface WeborderRow {
  id: string;
  name: string;
  customer: string;
  phone: string;
  e164: string;
  status: string;
}

const TEXT: Record<Language, Record<string, string>> = {
  en: {
    weborders: 'Weborders',
    operations: 'Operations',
    customer: 'Customer',
    phone: 'Phone',
    status: 'Status',
    e164: 'Phone (E.164)',
    call: 'Call',
    refresh: 'Refresh',
    simulate: 'Simulate a call from this number',
    direction: 'Direction',
    inbound: 'Inbound',
    outbound: 'Outbound',
    outcome: 'Outcome',
    answered: 'Answered',
    missed: 'Missed',
    voicemail: 'Voicemail',
    duration: 'Duration (s)',
    send: 'Post callEnd + callInsights',
    actingAs: 'Signed in as',
    localOrg: 'Local org',
    notFound: 'No Weborder with this id.',
    language: 'Nederlands'
  },
  nl: {
    weborders: 'Weborders',
    operations: 'Beheer',
    customer: 'Klant',
    phone: 'Telefoon',
    status: 'Status',
    e164: 'Telefoon (E.164)',
    call: 'Bellen',
    refresh: 'Vernieuwen',
    simulate: 'Simuleer een gesprek met dit nummer',
    direction: 'Richting',
    inbound: 'Inkomend',
    outbound: 'Uitgaand',
    outcome: 'Uitkomst',
    answered: 'Beantwoord',
    missed: 'Gemist',
    voicemail: 'Voicemail',
    duration: 'Duur (s)',
    send: 'Verstuur callEnd + callInsights',
    actingAs: 'Ingelogd als',
    localOrg: 'Lokale org',
    notFound: 'Geen Weborder met dit id.',
    language: 'English'
  }
};

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function escapeScript(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function langQuery(context: PageContext): string {
  return context.language === 'nl' ? '?lang=nl' : '';
}

function shell(
  context: PageContext,
  page: 'list' | 'weborder' | 'operations',
  title: string,
  body: string,
  recordId = ''
): string {
  const t = TEXT[context.language];
  const state = {
    page,
    recordId,
    username: context.user.username,
    locale: context.language === 'nl' ? 'nl-NL' : 'en-US',
    timeZone: context.timeZone,
    language: context.language,
    labels: context.labels,
    permissions: context.permissions,
    streamOpen: false
  };
  const other = context.language === 'nl' ? '?lang=en' : '?lang=nl';
  return `<!doctype html>
<html lang="${context.language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · Rinkel · ${t.localOrg}</title>
<link rel="stylesheet" href="/slds/styles/salesforce-lightning-design-system.min.css">
<style>
  html, body { background: #f3f3f3; margin: 0; }
  .topbar { background: #032d60; color: #fff; padding: 0.5rem 1rem; display: flex; gap: 1.5rem; align-items: center; }
  .topbar a { color: #fff; }
  .topbar .who { margin-left: auto; opacity: 0.85; }
  .layout { display: flex; gap: 0.75rem; padding: 0.75rem; align-items: flex-start; }
  .main { flex: 1; min-width: 0; max-width: 1180px; }
  #utility { width: 320px; flex: none; position: sticky; top: 0.75rem; }
  #utility.highlighted { outline: 3px solid #1b96ff; border-radius: 0.25rem; }
  dialog { border: none; border-radius: 0.25rem; padding: 0; min-width: 420px; }
  dialog::backdrop { background: rgba(8, 7, 7, 0.5); }
  .details dt { color: #706e6b; font-size: 0.75rem; }
  .details dd { margin: 0 0 0.75rem; }
</style>
<script>window.__LOCAL__ = ${escapeScript(JSON.stringify(state))};</script>
</head>
<body>
<nav class="topbar">
  <strong>Rinkel · ${t.localOrg}</strong>
  <a href="/${langQuery(context)}">${t.weborders}</a>
  <a href="/operations${langQuery(context)}">${t.operations}</a>
  <a href="${other}">${t.language}</a>
  <span class="who">${t.actingAs} ${escapeHtml(context.user.name)} (${escapeHtml(context.user.username)})</span>
</nav>
<div class="layout">
  <main class="main">${body}</main>
  <aside id="utility" aria-label="Rinkel Calls"></aside>
</div>
<script src="${escapeHtml(context.bundleUrl)}"></script>
</body>
</html>`;
}

export function listPage(context: PageContext, rows: WeborderRow[]): string {
  const t = TEXT[context.language];
  const lines = rows
    .map(
      (row) => `<tr>
        <th scope="row"><a href="/weborders/${encodeURIComponent(row.id)}${langQuery(context)}">${escapeHtml(row.name)}</a></th>
        <td>${escapeHtml(row.customer)}</td>
        <td>${escapeHtml(row.phone)}</td>
        <td>${escapeHtml(row.e164)}</td>
        <td>${escapeHtml(row.status)}</td>
      </tr>`
    )
    .join('\n');
  return shell(
    context,
    'list',
    t.weborders ?? '',
    `<article class="slds-card">
  <div class="slds-card__header"><h1 class="slds-text-heading_medium">${t.weborders}</h1></div>
  <table class="slds-table slds-table_cell-buffer slds-table_bordered" aria-label="${t.weborders}">
    <thead><tr><th scope="col">Name</th><th scope="col">${t.customer}</th><th scope="col">${t.phone}</th><th scope="col">${t.e164}</th><th scope="col">${t.status}</th></tr></thead>
    <tbody>${lines}</tbody>
  </table>
</article>`
  );
}

export function weborderPage(context: PageContext, row: WeborderRow): string {
  const t = TEXT[context.language];
  const canDial = context.permissions.Rinkel_Click_To_Dial === true;
  return shell(
    context,
    'weborder',
    row.name,
    `<div class="slds-page-header slds-page-header_record-home slds-m-bottom_small">
  <div class="slds-page-header__row">
    <div class="slds-page-header__col-title">
      <div class="slds-page-header__name-title">
        <h1><span>Weborder</span><span class="slds-page-header__title slds-truncate" id="record-name">${escapeHtml(row.name)}</span></h1>
      </div>
    </div>
    <div class="slds-page-header__col-actions">
      <div class="slds-button-group" role="group">
        ${canDial ? `<button class="slds-button slds-button_neutral" id="call-button">${t.call}</button>` : ''}
        <button class="slds-button slds-button_neutral" id="refresh-button">${t.refresh}</button>
      </div>
    </div>
  </div>
</div>
<div class="slds-grid slds-gutters_x-small">
  <div class="slds-col slds-size_2-of-3" id="timeline"></div>
  <div class="slds-col slds-size_1-of-3">
    <article class="slds-card"><div class="slds-card__body slds-card__body_inner slds-p-top_small">
      <dl class="details">
        <dt>${t.customer}</dt><dd>${escapeHtml(row.customer)}</dd>
        <dt>${t.phone}</dt><dd id="record-phone">${escapeHtml(row.phone)}</dd>
        <dt>${t.status}</dt><dd>${escapeHtml(row.status)}</dd>
      </dl>
    </div></article>
    <article class="slds-card"><div class="slds-card__body slds-card__body_inner slds-p-top_small">
      <form id="simulate" aria-label="${t.simulate}">
        <h2 class="slds-text-heading_small slds-m-bottom_x-small">${t.simulate}</h2>
        <input type="hidden" name="number" value="${escapeHtml(row.phone)}">
        <label class="slds-form-element__label">${t.direction}
          <select class="slds-select" name="direction"><option value="inbound">${t.inbound}</option><option value="outbound">${t.outbound}</option></select></label>
        <label class="slds-form-element__label">${t.outcome}
          <select class="slds-select" name="status"><option value="ANSWERED">${t.answered}</option><option value="MISSED">${t.missed}</option><option value="VOICEMAIL">${t.voicemail}</option></select></label>
        <label class="slds-form-element__label">${t.duration}
          <input class="slds-input" name="duration" type="number" min="0" value="75"></label>
        <button class="slds-button slds-button_brand slds-m-top_x-small" type="submit">${t.send}</button>
        <p id="simulate-result" class="slds-text-body_small slds-m-top_x-small" role="status"></p>
      </form>
    </div></article>
  </div>
</div>
<dialog id="call-dialog" aria-label="${t.call}">
  <div id="call-dialog-body" class="slds-p-around_medium"></div>
</dialog>`,
    row.id
  );
}

export function operationsPage(context: PageContext): string {
  const t = TEXT[context.language];
  return shell(context, 'operations', t.operations ?? '', `<div id="operations"></div>`);
}
