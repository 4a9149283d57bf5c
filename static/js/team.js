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
  formatDateTime,
  formatShortDateTime,
  guardUnsentText,
  h,
  isolated,
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
  userText,
  versionFromEtag,
  watchOtherTabs,
} from './api.js';
import { changedBy, Decisions, markField, referenceOf, rememberAssignee, rememberReports } from './decide.js';

const main = document.getElementById('inhoud');
const WEEK = main.dataset.week;
const THIS_WEEK = main.dataset.thisWeek;
const WEEK_NUMBER = main.dataset.weekNumber;
/** A past week's queue is as it stood at its end: its cards stay when a report is decided now. */
const PAST_WEEK = main.dataset.pastWeek === '1';
/** A week that has not begun has no queue or decisions of its own: the page says so (team.html) and loads nothing. */
const FUTURE_WEEK = main.dataset.futureWeek === '1';
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
  const f = {
    status: params.has('status') ? params.get('status') : 'new',
    department: params.get('department') ?? '',
    category: params.get('category') ?? '',
    q: (params.get('q') ?? '').trim(),
  };
  // A reference names one report: it is found whatever its status (the status filter would
  // only hide it). `widened`: a status filter was set aside for it, which the list says.
  if (referenceIn(f.q) && f.status !== '') {
    f.status = '';
    f.widened = true;
  }
  return f;
}

/**
 * The reference in a search text as the server reads one ("RK-2026-00042", "rk-2026-42"), in
 * its usual form, or null.
 */
function referenceIn(q) {
  const m = /^RK-(\d{4})-(\d{1,11})$/i.exec(String(q ?? '').trim());
  if (!m || !/[1-9]/.test(m[2])) return null;
  return `RK-${m[1]}-${m[2].replace(/^0+/, '').padStart(5, '0')}`;
}

/** The address of a list: the week and the filters that differ from the plain queue. */
function listParams(f) {
  const params = new URLSearchParams();
  params.set('week', WEEK);
  if (f.status !== 'new') params.set('status', f.status);
  for (const name of ['department', 'category', 'q']) if (f[name]) params.set(name, f[name]);
  return params;
}

/** The plain week queue (status new, no other filter) comes from the triage endpoint. */
function isWeekQueue(f = state.filters) {
  return f.status === 'new' && !f.department && !f.category && !f.q;
}

/** Whether a shown card stays after its report changed: it still fits the list. */
function staysListed(report) {
  return (PAST_WEEK && isWeekQueue()) || matchesFilters(report);
}

function matchesFilters(report, f = state.filters) {
  if (f.status && report.status !== f.status) return false;
  if (f.department && report.department !== f.department) return false;
  if (f.category && report.category !== f.category) return false;
  return true;
}

const DEFAULT_FILTERS = Object.freeze({ status: 'new', department: '', category: '', q: '' });

/**
 * Shows the filters in the form. A value from the address that the list does not offer (a
 * mistyped link, a department no longer in use) is shown as it is, as an extra option, so that
 * the form never claims a filter other than the one that was asked for.
 */
function filtersToForm(f) {
  for (const name of ['status', 'department', 'category']) {
    const select = els.form.elements[name];
    select.querySelectorAll('option[data-rk-extra]').forEach((o) => o.remove());
    if (![...select.options].some((o) => o.value === f[name])) {
      select.append(h('option', { value: f[name], dataset: { rkExtra: '' } }, extraOptionLabel(name, f[name])));
    }
    select.value = f[name];
  }
  els.form.elements.q.value = f.q;
}

/** "accepted,in_progress" (the API takes a list): "Geaccepteerd of In behandeling"; else null. */
function statusListLabel(value) {
  const m = state.meta;
  const parts = String(value).split(',');
  if (!parts.every((p) => (m?.statuses ?? []).includes(p))) return null;
  return parts.map((p) => statusLabel(m, p)).join(' of ');
}

function extraOptionLabel(name, value) {
  const m = state.meta;
  if (name === 'status' && statusListLabel(value)) return statusListLabel(value);
  const former = name === 'department' ? m?.former_departments : name === 'category' ? m?.former_categories : null;
  const old = (former ?? []).find((e) => e.key === value);
  if (old) return `${old.label} (niet meer in gebruik)`;
  return `‘${value}’ (bestaat niet)`;
}

// ------------------------------------------------------------------------------ filters in error

const FILTER_NAMES = { status: 'Status', department: 'Dienst van de melder', category: 'Categorie', q: 'Zoeken in titel en tekst' };

/** The Dutch message for a filter the API refused (422, error.fields names it). */
function filterMessage(name, value, english = '') {
  const shown = `‘${value}’`;
  switch (name) {
    case 'status':
      return `De status ${shown} in het adres bestaat niet. Kies een status uit de lijst.`;
    case 'department':
      return `Er is geen dienst ${shown}. Kies een dienst uit de lijst.`;
    case 'category':
      return `Er is geen categorie ${shown}. Kies een categorie uit de lijst.`;
    case 'q':
      return /too long|at most|exceeds|maximum/i.test(english) ? 'Deze zoekterm is te lang. Gebruik minder woorden.' : 'Deze zoekterm kan niet worden gebruikt. Probeer andere woorden.';
    default:
      return null;
  }
}

function filterField(name) {
  const control = els.form.elements[name];
  return control ? { control, wrapper: control.closest('.utrecht-form-field') } : null;
}

/** Marks one filter as wrong (or, with null, as right again). */
function setFilterError(name, message) {
  const field = filterField(name);
  if (field) markField(field.wrapper, field.control, message);
}

function clearFilterErrors() {
  for (const name of Object.keys(FILTER_NAMES)) setFilterError(name, null);
}

/** The report page's back link returns to the list as it is now (week, filters, search). */
function rememberListAddress() {
  try {
    sessionStorage.setItem('rk-team-list', location.pathname + location.search);
  } catch {
    // No storage (a privacy setting): the back link goes to this week's queue.
  }
}

/** Back to the plain queue of the week: the address, the form and the list. */
async function resetFilters() {
  const params = new URLSearchParams({ week: WEEK });
  history.pushState(null, '', `/team?${params}`);
  rememberListAddress();
  const f = { ...DEFAULT_FILTERS };
  filtersToForm(f);
  await applyFilters(f, true);
  if (!document.querySelector('#rk-alerts [role="alert"]')) els.form.elements.status.focus();
}

/**
 * A 422 for the filters: says which filter is wrong and why, marks it in the form, and offers
 * to clear the filters (trying the same request again would fail the same way). Answers
 * whether the error was about the filters.
 */
function showFilterErrors(err) {
  const order = Object.keys(FILTER_NAMES);
  const fields = Object.entries(err.fields ?? {})
    .filter(([name]) => name in FILTER_NAMES)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  if (err.status !== 422 || fields.length === 0) return false;
  const lines = [];
  let first = null;
  for (const [name, english] of fields) {
    const message = filterMessage(name, state.filters[name] ?? '', String(english ?? ''));
    setFilterError(name, message);
    lines.push(`${FILTER_NAMES[name]}: ${message}`);
    first ??= els.form.elements[name];
  }
  showQueueProblem(fields.length === 1 ? 'Er staat een filter in het adres dat niet kan. Pas het aan of wis de filters.' : 'Er staan filters in het adres die niet kunnen. Pas ze aan of wis de filters.');
  const alert = showPageAlert(fields.length === 1 ? 'Dit filter kan niet' : 'Deze filters kunnen niet', null, {
    actions: [
      h('ul', { class: 'utrecht-unordered-list rk-alert__list' }, lines.map((l) => h('li', { class: 'utrecht-unordered-list__item' }, l))),
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => resetFilters() }, 'Filters wissen'),
      first ? h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => first.focus() }, `Naar het filter ‘${FILTER_NAMES[fields[0][0]]}’`) : null,
    ],
  });
  alert?.classList.add('rk-alert--filters');
  return true;
}

/** Instead of the list (and its loading text): why there is no list. */
function showQueueProblem(text) {
  state.entries.clear();
  state.list = null;
  state.nextCursor = null;
  els.queue.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty rk-queue__problem' }, text));
  els.queue.setAttribute('aria-busy', 'false');
  els.more.replaceChildren();
  updateHeading();
  els.summary.textContent = '';
  if (isWeekQueue()) els.countQueue.textContent = '?';
}

function filterDescription(f) {
  const m = state.meta;
  const parts = [];
  const reference = referenceIn(f.q);
  if (reference) {
    parts.push(`kenmerk ${reference}`);
    if (f.department) parts.push(`dienst ‘${departmentLabel(m, f.department)}’`);
    if (f.category) parts.push(`categorie ‘${categoryLabel(m, f.category)}’`);
    return `${parts.join(', ')}, in alle statussen`;
  }
  parts.push(f.status ? `status ‘${statusListLabel(f.status) ?? statusLabel(m, f.status)}’` : 'alle statussen');
  if (f.department) parts.push(`dienst ‘${departmentLabel(m, f.department)}’`);
  if (f.category) parts.push(`categorie ‘${categoryLabel(m, f.category)}’`);
  if (f.q) parts.push(`zoekterm ‘${isolated(f.q)}’`);
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
  if (report.assignee) items.push(h('li', { class: 'rk-card__fact' }, 'Toegewezen aan: ', userText(report.assignee)));
  if (report.owner_department) items.push(h('li', { class: 'rk-card__fact' }, `Dienst die over de regel gaat: ${departmentLabel(m, report.owner_department)}`));
  entry.metaList.replaceChildren(...items);
  fillAnswered(entry, report);
  entry.report = report;
}

/**
 * When the reporter last answered the team's question (the report came back from needs_info):
 * `answered_at` of the week's queue, or else the last such step in the report's history.
 */
export function answeredAt(report) {
  if (typeof report.answered_at === 'string' && report.answered_at) return report.answered_at;
  if (report.answered_at === null || !Array.isArray(report.history)) return null;
  let at = null;
  for (const ev of report.history) if (ev.type === 'status' && ev.from === 'needs_info' && ev.actor === 'reporter' && (!at || (ev.at ?? '') > at)) at = ev.at ?? null;
  return at;
}

/** A report back in the queue because the reporter answered: says so, with a way to read the answer. */
function fillAnswered(entry, report) {
  const at = report.status === 'new' ? answeredAt(report) : null;
  entry.li?.classList.toggle('rk-item--answered', Boolean(at));
  if (!at) {
    entry.answered.replaceChildren();
    entry.answered.hidden = true;
    return;
  }
  entry.answered.hidden = false;
  entry.answered.replaceChildren(
    h('span', { class: 'rk-answered__label' }, 'Aangevuld door de melder'),
    ' ',
    h(
      'span',
      { class: 'rk-answered__text' },
      'De melder heeft de gevraagde informatie gestuurd op ',
      timeElement(at, formatDateTime(at)),
      '. ',
      h('a', { class: 'utrecht-link utrecht-link--html-a rk-answered__link', href: `${reportHref(report.id)}#opmerkingen` }, 'Lees de aanvulling', h('span', { class: 'rk-visually-hidden' }, ` bij ${report.reference}`)),
    ),
  );
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
    h('a', { class: 'utrecht-link utrecht-link--html-a rk-card__link', href: reportHref(report.id) }, h('span', { class: 'rk-ref' }, report.reference), ' ', userText(report.title)),
  );
  const metaList = h('ul', { class: 'rk-card__meta', 'aria-label': 'Gegevens' });
  const answered = h('p', { class: 'utrecht-paragraph rk-answered', hidden: true });
  const entry = { report, metaList, heading, answered, li: null };
  fillMeta(entry, report);
  entry.decisions = new Decisions(report, {
    meta: state.meta,
    canChange: canChange(),
    name: report.reference,
    onSaved: (updated, info) => onSaved(entry, updated, info),
    onFresh: (f) => fillMeta(entry, f),
  });
  const badge = fresh && !answeredAt(report) ? h('p', { class: 'rk-card__new' }, 'Net binnengekomen') : null;
  entry.li = h(
    'li',
    { class: `rk-item${fresh ? ' rk-item--new' : ''}${answered.hidden ? '' : ' rk-item--answered'}`, dataset: { id: String(report.id) } },
    h('article', { class: 'rk-card', 'aria-labelledby': headingId }, badge, heading, answered, metaList, h('p', { class: 'utrecht-paragraph rk-card__excerpt', dir: 'auto' }, excerpt(report.description)), entry.decisions.element),
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

/** The order of every list on this page, as the server gives it: oldest first (received, then id). */
function compareOrder(a, b) {
  const x = a.created_at ?? '';
  const y = b.created_at ?? '';
  if (x !== y) return x < y ? -1 : 1;
  return Number(a.id) - Number(b.id);
}

/**
 * Puts a card that arrives live where a reload would show it: a report back from "meer
 * informatie nodig" between the others by its age, a new one at the end.
 */
function placeInOrder(entry) {
  const list = ensureList();
  for (const li of list.children) {
    const other = state.entries.get(li.dataset.id);
    if (other && other !== entry && compareOrder(entry.report, other.report) < 0) {
      list.insertBefore(entry.li, li);
      return;
    }
  }
  list.append(entry.li);
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
      // A past week's queue is as it stood at the week's end.
      if (PAST_WEEK) els.summary.textContent = n === 0 ? 'Aan het einde van die week wachtte geen melding op een besluit.' : n === 1 ? '1 melding wachtte aan het einde van die week op een besluit.' : `${n} meldingen wachtten aan het einde van die week op een besluit.`;
      else els.summary.textContent = n === 0 ? 'Er wacht geen melding op een besluit.' : n === 1 ? '1 melding wacht op een besluit.' : `${n} meldingen wachten op een besluit.`;
      els.countQueue.textContent = String(n);
    }
  } else {
    const more = state.nextCursor ? ' (er zijn er meer)' : '';
    const widened = state.filters.widened ? ' Een kenmerk zoekt altijd in alle statussen.' : '';
    els.summary.textContent = `${n === 1 ? '1 melding' : `${n} meldingen`} gevonden${more} met ${filterDescription(state.filters)}.${widened}`;
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
  const status = statusLabel(m, updated.status);
  if (info.unchanged)
    // The same version back: the server had nothing to change and wrote no history.
    announce(info.kind === 'status' ? `${ref}: er is niets veranderd; de melding had de status ‘${status}’ al.` : `${ref}: er is niets veranderd.`);
  else if (info.afterAll)
    // The answer was lost, but the change arrived after all.
    announce(info.kind === 'status' ? `${ref}: uw besluit is toch opgeslagen. De status is nu ‘${status}’.` : `${ref}: uw wijziging is toch opgeslagen.`);
  else if (info.kind === 'status') announce(`${ref}: besluit opgeslagen. De status is nu ‘${status}’.`);
  else announce(`${ref}: toewijzing en prioriteit opgeslagen.`);
  if (info.quiet) {
    // Not right after a click of the user's: the focus stays where it is.
    if (staysListed(updated) || entry.decisions.busy) fillMeta(entry, updated);
    else removeEntry(entry);
  } else if (staysListed(updated)) {
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
  // With filters or a search the list below is not the queue; the count at the top still is.
  if (!isWeekQueue()) {
    const n = (state.week.queue ?? []).length;
    els.countQueue.textContent = state.truncated.queue ? `${n}+` : String(n);
  }
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
  clearFilterErrors();
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
    if (err instanceof ApiError && err.status !== 401) showPageAlert('Het weekoverleg kon niet worden bijgewerkt', err.dutch, { focus: false });
  }
}, 400);

/** Whether trying the same request again can help (not for a refused request). */
function worthRetrying(err) {
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

function reportError(title, err, retry) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 401) return;
  const actions = retry && worthRetrying(err)
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
    els.decisions.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, PAST_WEEK ? `Geen besluiten in week ${WEEK_NUMBER}.` : `Nog geen besluiten in week ${WEEK_NUMBER}.`));
    return;
  }
  // On narrow screens each decision is a block with its labels (team.css); the explicit roles
  // keep it a table for screen readers also when the stylesheet changes how it is displayed,
  // and the labels in the cells are hidden from them (they hear the column headers).
  const COLUMNS = ['Kenmerk', 'Titel', 'Besluit', 'Toelichting', 'Wie', 'Wanneer'];
  const th = (text) => h('th', { class: 'utrecht-table__header-cell', scope: 'col', role: 'columnheader' }, text);
  const td = (index, cls, ...content) =>
    h(
      'td',
      { class: `utrecht-table__cell ${cls}`, role: 'cell' },
      h('span', { class: 'rk-minutes__label', 'aria-hidden': 'true' }, COLUMNS[index]),
      h('span', { class: 'rk-minutes__value' }, ...content),
    );
  const heading = document.querySelector('h1')?.textContent ?? '';
  const range = document.querySelector('.rk-week-range')?.firstChild?.textContent?.trim() ?? '';
  const table = h(
    'table',
    { class: 'utrecht-table utrecht-table--html-table rk-table rk-minutes', role: 'table' },
    h('caption', { class: 'utrecht-table__caption rk-minutes__caption' }, `Besluiten ${heading.replace(/^Weekoverleg /, '')}${range ? ` (${range})` : ''}`),
    h('thead', { class: 'utrecht-table__header', role: 'rowgroup' }, h('tr', { class: 'utrecht-table__row', role: 'row' }, COLUMNS.map((c) => th(c)))),
    h(
      'tbody',
      { class: 'utrecht-table__body', role: 'rowgroup' },
      rows.map((d) => {
        let decision = d.from ? `${statusLabel(m, d.from)} → ${statusLabel(m, d.to)}` : statusLabel(m, d.to);
        if (d.outcome) decision += ` (${outcomeLabel(m, d.outcome)})`;
        if (d.duplicateOf) decision += ` (dubbel van ${d.duplicateReference ?? referenceOf(d.duplicateOf)})`;
        return h(
          'tr',
          { class: 'utrecht-table__row rk-minutes__row', role: 'row' },
          td(0, 'rk-minutes__ref', d.id ? h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(d.id) }, d.reference || `melding ${d.id}`) : d.reference),
          td(1, 'rk-minutes__title', userText(d.title)),
          td(2, 'rk-minutes__decision', decision),
          td(3, `rk-minutes__note${d.note ? '' : ' rk-minutes__note--empty'}`, d.note ? userText(d.note) : ''),
          td(4, 'rk-minutes__actor', userText(actorLabel(d.actor))),
          td(5, 'rk-minutes__at', d.at ? timeElement(d.at, formatShortDateTime(d.at)) : ''),
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
  const one = list.length === 1 && !cut;
  if (PAST_WEEK) els.countStaleLabel.textContent = one ? 'bleef liggen' : 'bleven liggen';
  else els.countStaleLabel.textContent = one ? 'blijft liggen' : 'blijven liggen';
  els.stale.setAttribute('aria-busy', 'false');
  if (list.length === 0) {
    els.stale.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, PAST_WEEK
      ? `Niets bleef liggen: bij alle lopende meldingen was in de vier weken voor het einde van week ${WEEK_NUMBER} iets gebeurd.`
      : 'Niets blijft liggen: bij alle lopende meldingen is de afgelopen vier weken iets gebeurd.'));
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
          h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(r.id) }, h('span', { class: 'rk-ref' }, r.reference), ' ', userText(r.title)),
          ' ',
          statusBadge(m, r.status),
          h(
            'span',
            { class: 'rk-stale__facts' },
            ` Laatste activiteit: `,
            timeElement(last, formatDate(last)),
            weeks >= 1 ? ` (${weeks === 1 ? '1 week' : `${weeks} weken`} geleden)` : '',
            r.assignee ? ['. Toegewezen aan: ', userText(r.assignee)] : '. Nog niet toegewezen',
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
        h('a', { class: 'utrecht-link utrecht-link--html-a', href: `${reportHref(r.id)}#opmerkingen` }, h('span', { class: 'rk-ref' }, r.reference), ' ', userText(r.title)),
        ' ',
        statusBadge(m, r.status),
        r.assignee ? h('span', { class: 'rk-stale__facts' }, ' Toegewezen aan: ', userText(r.assignee), '.') : null,
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
  placeInOrder(entry);
  updateSummary();
  if (answeredAt(report)) announce(`${report.reference} staat weer in de wachtrij: de melder heeft de gevraagde informatie gestuurd.`);
  else announce(`Nieuwe melding in de wachtrij: ${report.reference}, ${isolated(report.title)}.`);
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
  if (data.version !== undefined && String(data.version) === String(entry.decisions.current.version)) return;
  let fresh;
  try {
    fresh = await fetchReport(data.id);
  } catch {
    return;
  }
  if (String(fresh.version) === String(entry.decisions.current.version)) return;
  // One's own decision whose answer got lost: the card handles it as saved (onSaved).
  if (entry.decisions.unconfirmed && entry.decisions.confirms(fresh)) {
    entry.decisions.update(fresh);
    return;
  }
  if (!entry.decisions.busy && !staysListed(fresh)) {
    const { own } = changedBy(entry.report, fresh);
    announce(own
      ? `${fresh.reference} is door u behandeld (in een ander tabblad of venster): ${statusLabel(state.meta, fresh.status)}.`
      : `${fresh.reference} is intussen door iemand anders behandeld: ${statusLabel(state.meta, fresh.status)}.`);
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
        placeInOrder(added);
      }
    } else if (String(r.version) !== String(entry.decisions.current.version)) {
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
          ? PAST_WEEK
            ? 'Wat anderen nu aan deze meldingen veranderen, verschijnt vanzelf.'
            : 'Nieuwe meldingen en besluiten van anderen verschijnen vanzelf.'
          : s === 'reconnecting'
            ? 'De verbinding met de server is even weg; er wordt opnieuw verbonden …'
            : 'Geen verbinding met de server: nieuwe meldingen verschijnen niet vanzelf. Laad de pagina opnieuw.';
    },
  );
}

// ------------------------------------------------------------------------------ controls

function setupFilters() {
  rememberListAddress();
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
    const f = readFilters(params);
    // A reference searches all statuses: the address and the form say so too.
    if (f.widened) filtersToForm(f);
    history.pushState(null, '', `/team?${listParams(f)}`);
    rememberListAddress();
    await applyFilters(f, true);
  });
  window.addEventListener('popstate', () => {
    rememberListAddress();
    const f = readFilters(new URLSearchParams(location.search));
    filtersToForm(f);
    // What was said about the list before (another search's result) no longer applies: the
    // line under the heading says what this list is.
    const live = document.getElementById('rk-live');
    if (live) live.textContent = '';
    applyFilters(f, true);
  });
}

async function applyFilters(f, speak) {
  state.filters = f;
  clearPageAlert();
  try {
    await loadQueue();
    if (speak) announce(els.summary.textContent);
  } catch (err) {
    queueFailed(err, () => applyFilters(f, speak));
  }
}

/** The queue could not be loaded: never a loading text left behind; a way on. */
function queueFailed(err, retry) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 401) return;
  if (showFilterErrors(err)) return;
  showQueueProblem('De meldingen konden niet worden geladen.');
  reportError('De meldingen konden niet worden geladen', err, retry);
}

/** The week's lists could not be loaded: their loading texts go, with a word why. */
function weekFailed(err) {
  if (!(err instanceof ApiError)) throw err;
  for (const [el, count] of [
    [els.decisions, els.countDecisions],
    [els.stale, els.countStale],
    [els.replies, null],
  ]) {
    if (el.getAttribute('aria-busy') !== 'true') continue;
    el.replaceChildren(h('p', { class: 'utrecht-paragraph rk-empty' }, 'Dit deel van het weekoverleg kon niet worden geladen. Laad de pagina opnieuw om het nog eens te proberen.'));
    el.setAttribute('aria-busy', 'false');
    if (count) count.textContent = '?';
  }
  if (err.status !== 401) showPageAlert('Het weekoverleg kon niet worden geladen', err.dutch, { focus: false });
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
  } catch (err) {
    reportError('Het weekoverleg kon niet worden geladen', err, load);
    return;
  }
  filtersToForm(state.filters);
  if (state.filters.widened) {
    // An address with a reference and a status: the list shows all statuses, and so does the address.
    history.replaceState(null, '', `/team?${listParams(state.filters)}`);
    rememberListAddress();
  }
  // The plain queue comes with the week; a filtered one needs the week besides. Either can
  // fail on its own (a wrong filter in the address) without taking the other along.
  let queueError = null;
  let weekError = null;
  if (isWeekQueue()) {
    try {
      await loadQueue();
    } catch (err) {
      queueError = err;
      weekError = err;
    }
  } else {
    [queueError, weekError] = await Promise.all([
      loadQueue().then(
        () => null,
        (err) => err,
      ),
      loadWeek().then(
        () => null,
        (err) => err,
      ),
    ]);
  }
  if (queueError) {
    if (weekError) weekFailed(weekError);
    queueFailed(queueError, () => {
      clearPageAlert();
      load();
    });
    if (queueError.status === 401) return;
  } else if (weekError) {
    weekFailed(weekError);
  }
  if (weekError?.status === 401) return;
  restoreDrafts();
  if (!live) {
    live = true;
    startLive();
  }
}

/**
 * A decision being written when the session ended opens again with its text; the page says so
 * at the top (the form can be far down the queue) and offers to go there.
 */
function restoreDrafts() {
  const restored = [];
  for (const entry of state.entries.values()) if (entry.decisions?.restoreDraft({ focus: false })) restored.push(entry);
  if (restored.length === 0) return;
  const refs = restored.map((e) => e.report.reference);
  const text =
    restored.length === 1
      ? `Uw besluit over ${refs[0]} was nog niet opgeslagen. Wat u had ingevuld is bewaard: controleer het en kies ‘Besluit opslaan’.`
      : `Uw besluiten over ${refs.join(', ')} waren nog niet opgeslagen. Wat u had ingevuld is bewaard: controleer het en kies ‘Besluit opslaan’.`;
  const first = restored[0];
  const go = h(
    'button',
    {
      type: 'button',
      class: 'utrecht-button utrecht-button--secondary-action',
      onclick: () => {
        first.decisions.panel?.scrollIntoView({ block: 'center' });
        first.decisions.panel?.querySelector('input, textarea, select')?.focus();
      },
    },
    restored.length === 1 ? 'Naar het besluit' : 'Naar het eerste besluit',
  );
  showPageAlert('Uw werk is bewaard', text, { kind: 'info', actions: [go] });
}

let live = false;
setupLogout();
watchOtherTabs();
if (!FUTURE_WEEK) {
  guardUnsentText();
  setupFilters();
  setupToolbar();
  load();
}
