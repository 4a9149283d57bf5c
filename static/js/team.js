// The weekly triage dashboard /team?week=YYYY-Www: the queue (oldest first, with age in
// days, filters and search), decisions in place, the decisions of the week (printed as the
// minutes of the meeting) and the stale items. New and changed reports arrive live through
// GET /api/v1/events; the page never re-renders a report while someone is deciding on it.

import {
  actorLabel,
  ageInDays,
  ageText,
  announce,
  api,
  ApiError,
  canChange,
  categoryLabel,
  clearPageAlert,
  debounce,
  departmentLabel,
  formatDate,
  formatShortDateTime,
  h,
  meta as loadMeta,
  outcomeLabel,
  priorityLabel,
  session,
  setupLogout,
  showPageAlert,
  statusBadge,
  statusLabel,
  subscribe,
  timeElement,
  uid,
  versionFromEtag,
} from './api.js';
import { Decisions, referenceOf, rememberAssignee, rememberReports } from './decide.js';

const main = document.getElementById('inhoud');
const WEEK = main.dataset.week;
const THIS_WEEK = main.dataset.thisWeek;
const WEEK_NUMBER = main.dataset.weekNumber;
const PAGE_SIZE = 50;
// The week's view asks for this many queue items, decisions and stale reports; when there are
// more, the page says so (the CSV download always holds every decision).
const WEEK_LIMIT = 500;

const els = {
  form: document.getElementById('rk-filters'),
  queue: document.getElementById('rk-queue'),
  summary: document.getElementById('rk-queue-summary'),
  more: document.getElementById('rk-more'),
  decisions: document.getElementById('rk-decisions'),
  stale: document.getElementById('rk-stale'),
  replies: document.getElementById('rk-replies'),
  countQueue: document.getElementById('rk-count-queue'),
  countDecisions: document.getElementById('rk-count-decisions'),
  countStale: document.getElementById('rk-count-stale'),
  countDecisionsLabel: document.getElementById('rk-count-decisions-label'),
  countStaleLabel: document.getElementById('rk-count-stale-label'),
};

const state = {
  meta: null,
  filters: readFilters(new URLSearchParams(location.search)),
  entries: new Map(), // report id → {report, li, metaList, decisions}
  list: null, // the <ol> of the queue
  nextCursor: null,
  week: null, // the last GET /api/v1/triage/{week}
  truncated: {}, // which of its lists were cut at WEEK_LIMIT
};

// ------------------------------------------------------------------------------ filters

function readFilters(params) {
  return {
    status: params.has('status') ? params.get('status') : 'new',
    department: params.get('department') ?? '',
    category: params.get('category') ?? '',
    q: (params.get('q') ?? '').trim(),
  };
}

/** The plain week queue (status new, no other filter) comes from the triage endpoint. */
function isWeekQueue(f = state.filters) {
  return f.status === 'new' && !f.department && !f.category && !f.q;
}

function matchesFilters(report, f = state.filters) {
  if (f.status && report.status !== f.status) return false;
  if (f.department && report.department !== f.department) return false;
  if (f.category && report.category !== f.category) return false;
  return true;
}

function filtersToForm(f) {
  els.form.elements.status.value = f.status;
  els.form.elements.department.value = f.department;
  els.form.elements.category.value = f.category;
  els.form.elements.q.value = f.q;
}

function filterDescription(f) {
  const m = state.meta;
  const parts = [];
  parts.push(f.status ? `status ‘${statusLabel(m, f.status)}’` : 'alle statussen');
  if (f.department) parts.push(`dienst ‘${departmentLabel(m, f.department)}’`);
  if (f.category) parts.push(`categorie ‘${categoryLabel(m, f.category)}’`);
  if (f.q) parts.push(`zoekterm ‘${f.q}’`);
  return parts.join(', ');
}

// ------------------------------------------------------------------------------ queue items

function reportHref(id) {
  const n = Number(id);
  return Number.isSafeInteger(n) && n > 0 ? `/team/reports/${n}` : '/team';
}

function fillMeta(entry, report) {
  const m = state.meta;
  const days = Number.isInteger(report.age_days) ? report.age_days : ageInDays(report.created_at);
  const items = [
    // Age matters while a report waits for the team; red only then.
    h('li', { class: `rk-card__fact rk-age${days >= 14 && (report.status === 'new' || report.status === 'needs_info') ? ' rk-age--old' : ''}` }, ageText(days), ' ', h('span', { class: 'rk-card__date' }, '(', timeElement(report.created_at, formatDate(report.created_at)), ')')),
    h('li', { class: 'rk-card__fact' }, statusBadge(m, report.status)),
    h('li', { class: 'rk-card__fact' }, h('span', { class: 'rk-visually-hidden' }, 'Dienst van de melder: '), departmentLabel(m, report.department)),
    h('li', { class: 'rk-card__fact' }, h('span', { class: 'rk-visually-hidden' }, 'Categorie: '), categoryLabel(m, report.category)),
  ];
  if (report.priority && report.priority !== 'normal') items.push(h('li', { class: `rk-card__fact rk-priority rk-priority--${/^[a-z]+$/.test(report.priority) ? report.priority : 'x'}` }, `Prioriteit: ${priorityLabel(m, report.priority)}`));
  if (report.assignee) items.push(h('li', { class: 'rk-card__fact' }, `Toegewezen aan: ${report.assignee}`));
  if (report.owner_department) items.push(h('li', { class: 'rk-card__fact' }, `Eigenaar: ${departmentLabel(m, report.owner_department)}`));
  entry.metaList.replaceChildren(...items);
  entry.report = report;
}

function excerpt(text, max = 280) {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
  if ([...flat].length <= max) return flat;
  return `${[...flat].slice(0, max).join('').replace(/\s+\S*$/, '')} …`;
}

function buildEntry(report, { fresh = false } = {}) {
  const headingId = uid('rk-item');
  const heading = h(
    'h3',
    { class: 'utrecht-heading-3 rk-card__title', id: headingId, tabindex: '-1' },
    h('a', { class: 'utrecht-link utrecht-link--html-a rk-card__link', href: reportHref(report.id) }, h('span', { class: 'rk-ref' }, report.reference), ' ', report.title),
  );
  const metaList = h('ul', { class: 'rk-card__meta', 'aria-label': 'Gegevens' });
  const entry = { report, metaList, heading };
  fillMeta(entry, report);
  entry.decisions = new Decisions(report, {
    meta: state.meta,
    canChange: canChange(),
    name: report.reference,
    onSaved: (updated, info) => onSaved(entry, updated, info),
    onFresh: (f) => fillMeta(entry, f),
  });
  const badge = fresh ? h('p', { class: 'rk-card__new' }, 'Net binnengekomen') : null;
  entry.li = h(
    'li',
    { class: `rk-item${fresh ? ' rk-item--new' : ''}`, dataset: { id: String(report.id) } },
    h('article', { class: 'rk-card', 'aria-labelledby': headingId }, badge, heading, metaList, h('p', { class: 'utrecht-paragraph rk-card__excerpt' }, excerpt(report.description)), entry.decisions.element),
  );
  state.entries.set(String(report.id), entry);
  return entry;
}

function ensureList() {
  if (!state.list || !state.list.isConnected) {
    state.list = h('ol', { class: 'rk-queue__list' });
    els.queue.replaceChildren(state.list);
  }
  return state.list;
}

function renderQueue(items, { append = false } = {}) {
  if (!append) {
    state.entries.clear();
    state.list = null;
  }
  if (!append && items.length === 0) {
    els.queue.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, isWeekQueue() ? 'De wachtrij is leeg: over alle nieuwe meldingen is een besluit genomen.' : 'Geen meldingen gevonden met deze filters.'));
    return [];
  }
  const list = ensureList();
  const added = [];
  for (const report of items) {
    if (state.entries.has(String(report.id))) continue;
    const entry = buildEntry(report);
    list.append(entry.li);
    added.push(entry);
  }
  return added;
}

const QUEUE_TITLE = document.getElementById('wachtrij-titel')?.textContent ?? 'Wachtrij';
const QUEUE_INTRO = document.getElementById('wachtrij-uitleg')?.textContent ?? '';

/** With filters or a search the list is no longer the queue: its heading and intro say so. */
function updateHeading() {
  const title = document.getElementById('wachtrij-titel');
  const intro = document.getElementById('wachtrij-uitleg');
  const week = isWeekQueue();
  if (title) title.textContent = week ? QUEUE_TITLE : 'Gevonden meldingen';
  if (intro) intro.textContent = week ? QUEUE_INTRO : 'Meldingen die bij de filters en de zoekterm passen, de oudste eerst.';
}

function updateSummary() {
  const n = state.entries.size;
  updateHeading();
  if (isWeekQueue()) {
    if (state.truncated?.queue) {
      els.summary.textContent = `Meer dan ${n} meldingen wachten op een besluit. Hieronder staan de ${n} oudste; filter op dienst of categorie om de andere te zien.`;
      els.countQueue.textContent = `${n}+`;
    } else {
      els.summary.textContent = n === 1 ? '1 melding wacht op een besluit.' : `${n} meldingen wachten op een besluit.`;
      els.countQueue.textContent = String(n);
    }
  } else {
    const more = state.nextCursor ? ' (er zijn er meer)' : '';
    els.summary.textContent = `${n === 1 ? '1 melding' : `${n} meldingen`} gevonden${more} met ${filterDescription(state.filters)}.`;
  }
}

function renderMoreButton() {
  if (!state.nextCursor) {
    els.more.replaceChildren();
    return;
  }
  els.more.replaceChildren(h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: loadMore }, 'Meer meldingen laden'));
}

/** Removes a queue item; the focus, if it was inside, goes to the next item (or the summary). */
function removeEntry(entry) {
  const hadFocus = entry.li.contains(document.activeElement);
  const next = entry.li.nextElementSibling ?? entry.li.previousElementSibling;
  entry.li.remove();
  state.entries.delete(String(entry.report.id));
  if (state.entries.size === 0) renderQueue([]);
  updateSummary();
  if (hadFocus) focusAfterRemoval(next);
}

function focusAfterRemoval(next) {
  const target = next?.querySelector('.rk-card__title') ?? els.summary;
  if (target === els.summary) els.summary.setAttribute('tabindex', '-1');
  target.focus();
}

function onSaved(entry, updated, info) {
  const m = state.meta;
  const ref = updated.reference ?? entry.report.reference;
  if (info.kind === 'status') announce(`${ref}: besluit opgeslagen. De status is nu ‘${statusLabel(m, updated.status)}’.`);
  else announce(`${ref}: toewijzing en prioriteit opgeslagen.`);
  if (matchesFilters(updated)) {
    fillMeta(entry, updated);
    entry.heading.focus();
  } else {
    const next = entry.li.nextElementSibling ?? entry.li.previousElementSibling;
    entry.li.remove();
    state.entries.delete(String(entry.report.id));
    if (state.entries.size === 0) renderQueue([]);
    updateSummary();
    focusAfterRemoval(next);
  }
  refreshWeekSoon();
}

// ------------------------------------------------------------------------------ loading

async function loadWeek() {
  const res = await api('GET', `/api/v1/triage/${encodeURIComponent(WEEK)}?limit=${WEEK_LIMIT}`);
  state.week = res.data ?? {};
  state.truncated = state.week.truncated ?? {};
  rememberReports(state.week.queue);
  rememberReports(state.week.stale);
  rememberReports(state.week.decisions);
  renderDecisions(state.week.decisions ?? []);
  renderStale(state.week.stale ?? []);
  renderReplies(state.week.replies ?? []);
  return state.week;
}

function listQuery(cursor) {
  const f = state.filters;
  const params = new URLSearchParams();
  if (f.status) params.set('status', f.status);
  if (f.department) params.set('department', f.department);
  if (f.category) params.set('category', f.category);
  if (f.q) params.set('q', f.q);
  params.set('sort', 'oldest');
  params.set('limit', String(PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return `/api/v1/reports?${params}`;
}

async function loadQueue() {
  els.queue.setAttribute('aria-busy', 'true');
  try {
    if (isWeekQueue()) {
      const week = await loadWeek();
      state.nextCursor = null;
      renderQueue(week.queue ?? []);
    } else {
      const res = await api('GET', listQuery(null));
      state.nextCursor = res.data?.next_cursor ?? null;
      rememberReports(res.data?.items);
      renderQueue(res.data?.items ?? []);
    }
    updateSummary();
    renderMoreButton();
  } finally {
    els.queue.setAttribute('aria-busy', 'false');
  }
}

async function loadMore() {
  if (!state.nextCursor) return;
  try {
    const res = await api('GET', listQuery(state.nextCursor));
    state.nextCursor = res.data?.next_cursor ?? null;
    const added = renderQueue(res.data?.items ?? [], { append: true });
    updateSummary();
    renderMoreButton();
    if (added.length) added[0].heading.focus();
    else els.summary.focus();
  } catch (err) {
    reportError('De volgende meldingen konden niet worden geladen', err, loadMore);
  }
}

/** The decisions and the stale items again (after a change); the queue stays as it is. */
const refreshWeekSoon = debounce(async () => {
  try {
    await loadWeek();
  } catch (err) {
    if (err instanceof ApiError && err.status !== 401) showPageAlert('Het weekoverzicht kon niet worden bijgewerkt', err.dutch, { focus: false });
  }
}, 400);

function reportError(title, err, retry) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 401) return;
  const actions = retry
    ? [
        h(
          'button',
          {
            type: 'button',
            class: 'utrecht-button utrecht-button--secondary-action',
            onclick: () => {
              clearPageAlert();
              retry();
            },
          },
          'Opnieuw proberen',
        ),
      ]
    : [];
  showPageAlert(title, err.dutch, { actions });
}

// ------------------------------------------------------------------------------ decisions and stale

function decisionOf(d) {
  return {
    id: d.report_id ?? d.id,
    reference: d.reference ?? '',
    title: d.title ?? '',
    from: d.from ?? null,
    to: d.to ?? d.status ?? null,
    note: d.note ?? '',
    outcome: d.outcome ?? null,
    duplicateOf: d.duplicate_of ?? null,
    duplicateReference: d.duplicate_of_reference ?? null,
    actor: d.actor ?? d.by ?? '',
    at: d.at ?? d.time ?? '',
  };
}

function renderDecisions(list) {
  const m = state.meta;
  const rows = list.map(decisionOf).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const cut = Boolean(state.truncated?.decisions);
  els.countDecisions.textContent = cut ? `${rows.length}+` : String(rows.length);
  els.countDecisionsLabel.textContent = rows.length === 1 && !cut ? 'besluit' : 'besluiten';
  els.decisions.setAttribute('aria-busy', 'false');
  if (rows.length === 0) {
    els.decisions.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, `Nog geen besluiten in week ${WEEK_NUMBER}.`));
    return;
  }
  const th = (text, cls = '') => h('th', { class: `utrecht-table__header-cell ${cls}`, scope: 'col' }, text);
  const td = (cls, ...content) => h('td', { class: `utrecht-table__cell ${cls}` }, ...content);
  const heading = document.querySelector('h1')?.textContent ?? '';
  const range = document.querySelector('.rk-week-range')?.firstChild?.textContent?.trim() ?? '';
  const table = h(
    'table',
    { class: 'utrecht-table utrecht-table--html-table rk-table rk-minutes' },
    h('caption', { class: 'utrecht-table__caption rk-minutes__caption' }, `Besluiten ${heading.replace(/^Weekoverleg /, '')}${range ? ` (${range})` : ''}`),
    h('thead', { class: 'utrecht-table__header' }, h('tr', { class: 'utrecht-table__row' }, th('Kenmerk'), th('Titel'), th('Besluit'), th('Toelichting'), th('Wie'), th('Wanneer'))),
    h(
      'tbody',
      { class: 'utrecht-table__body' },
      rows.map((d) => {
        let decision = d.from ? `${statusLabel(m, d.from)} → ${statusLabel(m, d.to)}` : statusLabel(m, d.to);
        if (d.outcome) decision += ` (${outcomeLabel(m, d.outcome)})`;
        if (d.duplicateOf) decision += ` (dubbel van ${d.duplicateReference ?? referenceOf(d.duplicateOf)})`;
        return h(
          'tr',
          { class: 'utrecht-table__row' },
          td('rk-minutes__ref', d.id ? h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(d.id) }, d.reference || `melding ${d.id}`) : d.reference),
          td('rk-minutes__title', d.title),
          td('rk-minutes__decision', decision),
          td('rk-minutes__note', d.note),
          td('rk-minutes__actor', actorLabel(d.actor)),
          td('rk-minutes__at', d.at ? timeElement(d.at, formatShortDateTime(d.at)) : ''),
        );
      }),
    ),
  );
  // On small screens the table scrolls sideways: the region takes the focus so that keyboards can scroll it.
  const wrapper = h('div', { class: 'rk-table-wrapper', role: 'region', 'aria-label': 'Besluitenlijst', tabindex: '0' }, table);
  if (!cut) {
    els.decisions.replaceChildren(wrapper);
    return;
  }
  els.decisions.replaceChildren(
    h('p', { class: 'utrecht-paragraph rk-section__intro' }, `Deze week zijn er meer dan ${rows.length} besluiten genomen; hier staan de eerste ${rows.length}. De CSV-download bevat ze allemaal.`),
    wrapper,
  );
}

function renderStale(list) {
  const m = state.meta;
  const cut = Boolean(state.truncated?.stale);
  els.countStale.textContent = cut ? `${list.length}+` : String(list.length);
  els.countStaleLabel.textContent = list.length === 1 && !cut ? 'blijft liggen' : 'blijven liggen';
  els.stale.setAttribute('aria-busy', 'false');
  if (list.length === 0) {
    els.stale.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, 'Niets blijft liggen: bij alle lopende meldingen is de afgelopen vier weken iets gebeurd.'));
    return;
  }
  els.stale.replaceChildren(
    h(
      'ul',
      { class: 'rk-stale__list' },
      list.map((r) => {
        const last = r.last_event_at ?? r.updated_at;
        const days = Number.isInteger(r.days_since_event) ? r.days_since_event : ageInDays(last);
        const weeks = Math.floor(days / 7);
        return h(
          'li',
          { class: 'rk-stale__item' },
          h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(r.id) }, h('span', { class: 'rk-ref' }, r.reference), ' ', r.title),
          ' ',
          statusBadge(m, r.status),
          h(
            'span',
            { class: 'rk-stale__facts' },
            ` Laatste activiteit: `,
            timeElement(last, formatDate(last)),
            weeks >= 1 ? ` (${weeks === 1 ? '1 week' : `${weeks} weken`} geleden)` : '',
            r.assignee ? `. Toegewezen aan: ${r.assignee}` : '. Nog niet toegewezen',
            '.',
          ),
        );
      }),
    ),
  );
}

function renderReplies(list) {
  const m = state.meta;
  els.replies.setAttribute('aria-busy', 'false');
  if (list.length === 0) {
    els.replies.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, `Geen aanvullingen op meldingen buiten de wachtrij in week ${WEEK_NUMBER}.`));
    return;
  }
  const items = h(
    'ul',
    { class: 'rk-stale__list' },
    list.map((r) =>
      h(
        'li',
        { class: 'rk-stale__item' },
        h('a', { class: 'utrecht-link utrecht-link--html-a', href: `${reportHref(r.id)}#opmerkingen` }, h('span', { class: 'rk-ref' }, r.reference), ' ', r.title),
        ' ',
        statusBadge(m, r.status),
        r.assignee ? h('span', { class: 'rk-stale__facts' }, ` Toegewezen aan: ${r.assignee}.`) : null,
      ),
    ),
  );
  if (state.truncated?.replies) els.replies.replaceChildren(h('p', { class: 'utrecht-paragraph rk-section__intro' }, `Hier staan de ${list.length} meest recente.`), items);
  else els.replies.replaceChildren(items);
}

// ------------------------------------------------------------------------------ live updates

async function fetchReport(id) {
  const res = await api('GET', `/api/v1/reports/${encodeURIComponent(id)}`);
  const report = res.data;
  if (report && (report.version === undefined || report.version === null)) report.version = versionFromEtag(res.etag);
  return report;
}

async function onCreated(data) {
  const ref = data.reference ?? `melding ${data.id}`;
  if (WEEK !== THIS_WEEK) {
    announce(`Nieuwe melding binnengekomen: ${ref}. Ga naar deze week om hem in de wachtrij te zien.`);
    return;
  }
  if (state.entries.has(String(data.id))) return;
  let report;
  try {
    report = await fetchReport(data.id);
  } catch {
    return;
  }
  if (state.filters.q) {
    announce(`Nieuwe melding binnengekomen: ${ref}. Zoek opnieuw om te zien of hij bij uw zoekopdracht hoort.`);
    return;
  }
  if (!matchesFilters(report)) {
    announce(`Nieuwe melding binnengekomen: ${ref}. Hij past niet bij de filters die u gebruikt.`);
    return;
  }
  if (state.entries.has(String(report.id))) return;
  const entry = buildEntry(report, { fresh: true });
  ensureList().append(entry.li);
  updateSummary();
  announce(`Nieuwe melding in de wachtrij: ${report.reference}, ${report.title}.`);
  refreshWeekSoon();
}

async function onUpdated(data) {
  refreshWeekSoon();
  const entry = state.entries.get(String(data.id));
  if (!entry) {
    // A report that now matches the queue (e.g. a reporter replied to a question) joins it.
    if (data.status && data.status === state.filters.status && WEEK === THIS_WEEK && !state.filters.q) await onCreated(data);
    return;
  }
  if (data.version !== undefined && String(data.version) === String(entry.decisions.report.version)) return;
  let fresh;
  try {
    fresh = await fetchReport(data.id);
  } catch {
    return;
  }
  if (String(fresh.version) === String(entry.decisions.report.version)) return;
  if (!entry.decisions.busy && !matchesFilters(fresh)) {
    announce(`${fresh.reference} is intussen door iemand anders behandeld: ${statusLabel(state.meta, fresh.status)}.`);
    removeEntry(entry);
    return;
  }
  fillMeta(entry, fresh);
  entry.decisions.update(fresh);
}

/** After a gap in the event stream: bring every shown item up to date and add what is new. */
async function resync() {
  refreshWeekSoon();
  let items;
  try {
    if (isWeekQueue()) items = (await api('GET', `/api/v1/triage/${encodeURIComponent(WEEK)}`)).data?.queue ?? [];
    else items = (await api('GET', listQuery(null))).data?.items ?? [];
  } catch {
    return;
  }
  const ids = new Set(items.map((r) => String(r.id)));
  for (const entry of [...state.entries.values()]) {
    if (!ids.has(String(entry.report.id)) && isWeekQueue()) await onUpdated({ id: entry.report.id });
  }
  for (const r of items) {
    const entry = state.entries.get(String(r.id));
    if (!entry) {
      if (WEEK === THIS_WEEK || !isWeekQueue()) {
        const added = buildEntry(r, { fresh: true });
        ensureList().append(added.li);
      }
    } else if (String(r.version) !== String(entry.decisions.report.version)) {
      fillMeta(entry, r);
      entry.decisions.update(r);
    }
  }
  updateSummary();
}

function startLive() {
  const indicator = h('p', { class: 'utrecht-paragraph rk-connection', id: 'rk-connection' });
  document.getElementById('rk-live')?.before(indicator);
  subscribe(
    (type, data) => {
      if (type === 'report.created') onCreated(data);
      else if (type === 'report.updated') onUpdated(data);
      else if (type === 'resync') resync();
    },
    (s) => {
      indicator.dataset.state = s;
      indicator.textContent =
        s === 'open'
          ? 'Nieuwe meldingen en besluiten van anderen verschijnen vanzelf.'
          : s === 'reconnecting'
            ? 'De verbinding met de server is even weg; er wordt opnieuw verbonden …'
            : 'Geen verbinding met de server: nieuwe meldingen verschijnen niet vanzelf. Laad de pagina opnieuw.';
    },
  );
}

// ------------------------------------------------------------------------------ controls

function setupFilters() {
  els.form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(els.form);
    const params = new URLSearchParams();
    params.set('week', WEEK);
    const status = String(data.get('status') ?? '');
    if (status !== 'new') params.set('status', status);
    for (const name of ['department', 'category', 'q']) {
      const v = String(data.get(name) ?? '').trim();
      if (v) params.set(name, v);
    }
    history.pushState(null, '', `/team?${params}`);
    await applyFilters(readFilters(params), true);
  });
  window.addEventListener('popstate', () => {
    const f = readFilters(new URLSearchParams(location.search));
    filtersToForm(f);
    applyFilters(f, false);
  });
}

async function applyFilters(f, speak) {
  state.filters = f;
  clearPageAlert();
  try {
    await loadQueue();
    if (speak) announce(els.summary.textContent);
  } catch (err) {
    reportError('De meldingen konden niet worden geladen', err, () => applyFilters(f, speak));
  }
}

function setupToolbar() {
  document.getElementById('rk-print')?.addEventListener('click', () => window.print());
}

// ------------------------------------------------------------------------------ start

async function load() {
  try {
    const [m, me] = await Promise.all([loadMeta(), session()]);
    state.meta = m;
    rememberAssignee(me?.username);
    // The plain queue comes with the week; a filtered one needs the week besides.
    if (isWeekQueue()) await loadQueue();
    else await Promise.all([loadQueue(), loadWeek()]);
  } catch (err) {
    reportError('Het weekoverleg kon niet worden geladen', err, load);
    return;
  }
  // A decision being written when the session ended opens again with its text.
  for (const entry of state.entries.values()) entry.decisions?.restoreDraft();
  if (!live) {
    live = true;
    startLive();
  }
}

let live = false;
setupLogout();
setupFilters();
setupToolbar();
load();
