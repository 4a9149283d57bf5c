// Shared helpers for the team pages (/team and /team/reports/{id}): talking to the JSON API
// of CONTRACT.md (session, CSRF header, ETag versions, Dutch error messages), building DOM
// without markup from data, Dutch labels and dates, live announcements, the event stream and
// the logout button.
//
// Rule for every module of the team pages: text from the server (titles, notes, names …) is
// only ever inserted as text (textContent, text nodes). There is no innerHTML anywhere.

const LOGIN_PATH = '/login';

// ------------------------------------------------------------------------------ DOM

/**
 * Creates an element. `props`: class, text (textContent), on<event> handlers, dataset, and
 * any other attribute (true → present, false/null/undefined → absent). Children: nodes or
 * strings (strings become text nodes).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Text that someone typed (a title, a note, a name …), isolated from the interface around it:
 * right-to-left text or direction controls in it (U+202E RIGHT-TO-LEFT OVERRIDE …) then never
 * reorder the badges, buttons and words next to it. <bdi> isolates and takes its direction from
 * its own content.
 */
export function userText(text, props = {}) {
  return h('bdi', { ...props, class: props.class ? `rk-user-text ${props.class}` : 'rk-user-text' }, text ?? '');
}

// Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko …, their presentation forms) and
// the bidirectional controls (LRM, RLM, ALM, the embeddings and overrides, the isolates).
const BIDI = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\ud802[\udc00-\udfff]|\ud83a[\udc00-\udfff]/;

/**
 * The same for plain strings (document.title, announcements, sentences): text that could
 * change the direction of what follows goes between FSI and PDI; other text stays as it is.
 */
export function isolated(text) {
  const s = String(text ?? '');
  return BIDI.test(s) ? `\u2068${s}\u2069` : s;
}

/** Unique ids for elements built by scripts. */
let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// ------------------------------------------------------------------------------ errors

/** An answer of the API other than 2xx, with a Dutch message for the page. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body && typeof body === 'object' && body.error ? body.error : {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || '';
    this.fields = error.fields && typeof error.fields === 'object' ? error.fields : {};
    this.dutch = dutchMessage(status, this.code);
  }
}

function dutchMessage(status, code) {
  switch (status) {
    case 0:
      return 'De server is niet bereikbaar. Controleer uw verbinding en probeer het opnieuw.';
    case 400:
      return 'De server begreep dit verzoek niet. Laad de pagina opnieuw en probeer het nog eens.';
    case 401:
      return 'U bent niet (meer) ingelogd. Log opnieuw in.';
    case 403:
      if (code === 'csrf_failed') return 'Uw sessie is niet meer geldig. Laad de pagina opnieuw en probeer het nog eens.';
      return 'Dit mag u niet met uw rol. Vraag een beheerder als u denkt dat dit niet klopt.';
    case 404:
      return 'Deze melding bestaat niet (meer).';
    case 412:
      return 'Iemand anders heeft deze melding intussen gewijzigd.';
    case 413:
      return 'Uw tekst is te lang om te versturen.';
    case 422:
      return 'Niet alles is goed ingevuld. Bekijk de meldingen bij de velden.';
    case 428:
      return 'De versie van de melding ontbreekt. Laad de pagina opnieuw.';
    case 429:
      return 'Te veel verzoeken achter elkaar. Wacht even en probeer het dan opnieuw.';
    case 503:
      return 'De database is even niet beschikbaar. Probeer het over een paar seconden opnieuw.';
    default:
      return `Er ging iets mis op de server (foutcode ${status}). Probeer het opnieuw.`;
  }
}

/** Dutch messages for the fields the API can name in a 422. */
const FIELD_MESSAGES = {
  note: 'Schrijf een toelichting.',
  duplicate_of: 'Geef het nummer of kenmerk van een andere, bestaande melding. Het mag niet deze melding zelf zijn, en ook geen melding die al als dubbel van deze melding is gemarkeerd.',
  outcome: 'Kies een uitkomst.',
  status: 'Deze statuswijziging is niet (meer) toegestaan vanuit de huidige status.',
  priority: 'Kies een prioriteit uit de lijst.',
  assignee: 'Deze naam kan niet worden gebruikt. Gebruik een gewone naam van maximaal 100 tekens.',
  owner_department: 'Kies een dienst uit de lijst.',
  body: 'Schrijf een opmerking.',
  visibility: 'Kies voor wie de opmerking is.',
  q: 'Deze zoekterm kan niet worden gebruikt.',
  week: 'Deze week bestaat niet.',
};

/** The Dutch message for one field of a 422; "too long" in English becomes "te lang". */
export function fieldMessage(field, english = '') {
  if (/too long|at most|exceeds|maximum/i.test(english)) {
    const limit = /(\d[\d.,]*)/.exec(english);
    const n = limit ? Number(limit[1].replace(/[.,]/g, '')) : NaN;
    return Number.isFinite(n) ? `Deze tekst is te lang: maximaal ${n.toLocaleString('nl-NL')} tekens.` : 'Deze tekst is te lang.';
  }
  const original = field === 'duplicate_of' ? /itself a duplicate of (RK-\d{4}-\d+)/.exec(english) : null;
  if (original) return `Die melding is zelf een dubbele van ${original[1]}. Kies ${original[1]}.`;
  if (field === 'duplicate_of' && /itself|self/i.test(english)) return 'Een melding kan geen dubbel van zichzelf zijn.';
  if (field === 'duplicate_of' && /cycle|loop/i.test(english)) return 'Die melding is al (via een andere) als dubbel van deze melding gemarkeerd.';
  if (field === 'duplicate_of' && /not found|unknown|exist/i.test(english)) return 'Er is geen melding met dit nummer.';
  if (field === 'duplicate_of' && /only taken/i.test(english)) return 'Een melding kan alleen als dubbel gekoppeld worden met de status ‘Dubbel’.';
  return FIELD_MESSAGES[field] ?? 'Deze waarde is niet geldig.';
}

// ------------------------------------------------------------------------------ session and requests

/**
 * Sends the browser to the login page; it comes back here after logging in. The pages of the
 * team are only served with a session, so an API call answered 401 means that the session
 * ended: the login page says so (reden=verlopen), and what was being written is kept.
 */
export function toLogin(reason = 'verlopen') {
  const next = `${location.pathname}${location.search}`;
  const params = new URLSearchParams({ next });
  if (reason) params.set('reden', reason);
  // What was typed is kept in this tab (drafts below) and comes back after logging in.
  leaveOnPurpose();
  location.assign(`${LOGIN_PATH}?${params}`);
}

/** The logged-in member, as the server rendered the page (data-user on the header's menu). */
export function currentUser() {
  return document.querySelector('.rk-usernav')?.dataset.user || null;
}

let sessionPromise = null;

/** GET /api/v1/session: {username, role, csrf_token}; a 401 goes to the login page. */
export function session() {
  sessionPromise ??= request('GET', '/api/v1/session').then((r) => r.data);
  return sessionPromise;
}

async function request(method, path, { body, ifMatch, accept = 'application/json', csrf, as } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  const type = res.headers.get('content-type') ?? '';
  let data = null;
  if (type.startsWith('application/json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  } else if (res.ok && as === 'blob') {
    data = await res.blob();
  } else if (accept !== 'application/json') {
    data = await res.text();
  }
  if (res.status === 401) {
    // Logged out in another tab of this browser: the login page says "U bent uitgelogd".
    toLogin(elsewhere?.kind === 'logout' ? 'uitgelogd' : 'verlopen');
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data, etag: res.headers.get('etag'), headers: res.headers };
}

/**
 * Calls the API. GET needs nothing; PATCH, POST and DELETE carry the session's CSRF token.
 * `ifMatch`: the report version for PATCH. Resolves to {status, data, etag}; throws ApiError.
 */
export async function api(method, path, options = {}) {
  const changes = method !== 'GET' && method !== 'HEAD';
  const current = changes ? await session() : null;
  // A change is only ever sent as the member this page belongs to, never under the name of
  // whoever logged in since in another tab (the session is asked again after such a login).
  const me = currentUser();
  if (changes && me && current?.username && current.username !== me) throw otherUserError(current.username);
  const csrf = current?.csrf_token;
  try {
    return await request(method, path, { ...options, csrf });
  } catch (err) {
    if (!(changes && err instanceof ApiError && err.status === 403 && err.code === 'csrf_failed')) throw err;
    // The browser's session is no longer the one this page started with: someone logged in
    // in another tab. Who is it now? (Nobody: a 401, and the login page.)
    sessionPromise = null;
    const now = await session();
    // The same member logged in again: nothing was done, so sending it again with the new
    // session's token is safe.
    if (!me || now?.username === me) return request(method, path, { ...options, csrf: now?.csrf_token });
    throw otherUserError(now?.username ?? '');
  }
}

/**
 * The error of a save refused because another member is now logged in in this browser: it
 * says who, that nothing was sent, and that reloading would lose the text (the next page
 * belongs to the other member, who never sees it).
 */
function otherUserError(name) {
  const err = new ApiError(403, { error: { code: 'other_user', message: 'another member logged in in this browser' } });
  err.otherUser = name;
  err.dutch = `In een ander tabblad is nu ${isolated(name)} ingelogd. Daarom is dit niet verstuurd. Uw tekst staat er nog: kopieer hem als u hem wilt bewaren. Als u de pagina opnieuw laadt, werkt u als ${isolated(name)} en is deze tekst weg.`;
  return err;
}

// ------------------------------------------------------------------------------ other tabs

// The tabs of one browser share one session cookie. Each team page tells the others who it
// belongs to (BroadcastChannel); logging out tells them too. A tab whose member is no longer
// the browser's then says so at once, rather than at the next save.
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('rk-session') : null;
let elsewhere = null; // {kind: 'logout'} | {kind: 'user', user}

function tellOtherTabs(message) {
  try {
    channel?.postMessage(message);
  } catch {
    // nothing to tell
  }
}

/** Tells the other tabs who is logged in here, and listens to what they tell. Once per team page. */
export function watchOtherTabs() {
  const me = currentUser();
  if (!channel || !me) return;
  channel.addEventListener('message', (event) => {
    const data = event.data;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'logout') {
      elsewhere = { kind: 'logout' };
      sessionPromise = null;
      showPageAlert('U bent in een ander tabblad uitgelogd', unsentText()
        ? 'Wat u hier typte, is nog niet verstuurd. Het blijft in dit tabblad bewaard: log opnieuw in om het op te slaan.'
        : 'Log opnieuw in om verder te werken.', {
        kind: 'warning',
        focus: false,
        actions: [h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => toLogin('uitgelogd') }, 'Opnieuw inloggen')],
      })?.classList.add('rk-alert--session');
    } else if (data.type === 'here' && typeof data.user === 'string') {
      sessionPromise = null; // a new session, with a new token
      if (data.user === me) {
        // Logged in again as oneself: this tab can go on.
        if (elsewhere) document.querySelector('#rk-alerts .rk-alert--session')?.remove();
        elsewhere = null;
        return;
      }
      elsewhere = { kind: 'user', user: data.user };
      showPageAlert(`In een ander tabblad is nu ${isolated(data.user)} ingelogd`, unsentText()
        ? `Opslaan kan in dit tabblad niet meer: u werkt hier als ${isolated(me)}. Wat u hier typte, is niet verstuurd. Kopieer het als u het wilt bewaren: als u deze pagina opnieuw laadt, werkt u als ${isolated(data.user)} en is uw tekst weg.`
        : `Opslaan kan in dit tabblad niet meer: u werkt hier als ${isolated(me)}. Laad de pagina opnieuw om verder te werken als ${isolated(data.user)}.`, {
        kind: 'warning',
        focus: false,
      })?.classList.add('rk-alert--session');
    }
  });
  tellOtherTabs({ type: 'here', user: me });
}

/** After this long without an answer, a save tells the user that the server has not answered yet. */
export const SLOW_ANSWER_MS = 15_000;

/**
 * Calls `onSlow` once `ms` have passed, unless the returned `done()` was called first (when the
 * answer came). Nothing is sent again: a request that reached a frozen or very busy server may
 * still be carried out, and sending it twice would decide twice.
 */
export function whenSlow(onSlow, ms = SLOW_ANSWER_MS) {
  const timer = window.setTimeout(onSlow, ms);
  return () => window.clearTimeout(timer);
}

/**
 * The warning for a save that has had no answer for a while: it may still be saved; reloading
 * the page shows whether it was. `what`: "Uw besluit", "Uw wijziging", "Uw opmerking";
 * `kept`: whether the typed text stays kept in this tab (it comes back after reloading when it
 * was not saved).
 */
export function slowAnswerAlert(what, kept) {
  const titleId = uid('rk-slow-title');
  return h(
    'div',
    { class: 'utrecht-alert utrecht-alert--warning rk-alert rk-slow', role: 'alert', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'utrecht-alert__content' },
      h(
        'div',
        { class: 'utrecht-alert__message' },
        h('p', { class: 'utrecht-paragraph rk-alert__title', id: titleId }, 'De server antwoordt nog niet'),
        h(
          'p',
          { class: 'utrecht-paragraph' },
          `${what} is verstuurd, maar de server heeft na ${SLOW_ANSWER_MS / 1000} seconden nog niet geantwoord. Misschien is het opslaan toch gelukt. Verstuur daarom niets opnieuw. Wacht nog even, of laad de pagina opnieuw: dan ziet u of het is opgeslagen.${kept ? ' Uw tekst blijft in dit tabblad bewaard.' : ''}`,
        ),
        h('div', { class: 'rk-alert__actions' }, h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => reloadOnPurpose(kept) }, 'Pagina opnieuw laden')),
      ),
    ),
  );
}

/** The version in an ETag header ("12" or W/"12"), or null. */
export function versionFromEtag(etag) {
  const m = /^(?:W\/)?"([^"]*)"$/.exec(etag ?? '');
  return m ? m[1] : null;
}

let metaPromise = null;

/** GET /api/v1/meta, once per page. */
export function meta() {
  metaPromise ??= request('GET', '/api/v1/meta').then((r) => r.data);
  return metaPromise;
}

// ------------------------------------------------------------------------------ labels

const STATUS_NL = {
  new: 'Nieuw',
  needs_info: 'Meer informatie nodig',
  accepted: 'Geaccepteerd',
  in_progress: 'In behandeling',
  resolved: 'Opgelost',
  wont_fix: 'Niet opgelost',
  rejected: 'Afgewezen',
  duplicate: 'Dubbele melding',
};
const PRIORITY_NL = { low: 'Laag', normal: 'Normaal', high: 'Hoog', urgent: 'Urgent' };

export function statusLabel(m, status) {
  return m?.labels?.statuses?.[status] ?? STATUS_NL[status] ?? status ?? '';
}

export function priorityLabel(m, priority) {
  return m?.labels?.priorities?.[priority] ?? PRIORITY_NL[priority] ?? priority ?? '';
}

export function outcomeLabel(m, outcome) {
  return m?.labels?.outcomes?.[outcome] ?? outcome ?? '';
}

// Former (deactivated) entries keep their label: old reports still carry their keys.
function listLabel(list, former, key) {
  return (list ?? []).find((e) => e.key === key)?.label ?? (former ?? []).find((e) => e.key === key)?.label ?? key ?? '';
}

export function departmentLabel(m, key) {
  return listLabel(m?.departments, m?.former_departments, key);
}

export function categoryLabel(m, key) {
  return listLabel(m?.categories, m?.former_categories, key);
}

export function closedStatuses(m) {
  return new Set(m?.closed_statuses ?? ['resolved', 'wont_fix', 'rejected', 'duplicate']);
}

/** A status badge, coloured per status by the stylesheet. */
export function statusBadge(m, status) {
  return h('span', { class: `rk-status rk-status--${/^[a-z_]+$/.test(status ?? '') ? status : 'unknown'}` }, statusLabel(m, status));
}

/** Who did it, in Dutch ("reporter" is the person who made the report). */
export function actorLabel(actor) {
  if (!actor || actor === 'reporter') return 'de melder';
  if (actor === 'system') return 'het systeem';
  // A script with an API token (token:NAME) and a command on the server (cli:USER), in Dutch.
  const text = String(actor);
  if (text.startsWith('token:')) return `API-sleutel ${text.slice(6)}`;
  if (text.startsWith('cli:')) return `beheer op de server (${text.slice(4)})`;
  return text;
}

// ------------------------------------------------------------------------------ time

const TZ = 'Europe/Amsterdam';
// Date and time are joined with "om" in every form, as the server's pages do (/volg): the
// browser's own joining differs between the long form ("om") and the short one (",").
const timeFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const shortDateFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: TZ, day: 'numeric', month: 'short' });
const dateFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: TZ, day: 'numeric', month: 'long', year: 'numeric' });

function parse(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "23 november 2026 om 10:15" in Amsterdam time. */
export function formatDateTime(iso) {
  const d = parse(iso);
  return d ? `${dateFormat.format(d)} om ${timeFormat.format(d)}` : '';
}

/** "1 dec om 10:28" in Amsterdam time. */
export function formatShortDateTime(iso) {
  const d = parse(iso);
  return d ? `${shortDateFormat.format(d)} om ${timeFormat.format(d)}` : '';
}

export function formatDate(iso) {
  const d = parse(iso);
  return d ? dateFormat.format(d) : '';
}

/** A <time> element with the machine-readable instant and a Dutch text. */
export function timeElement(iso, text = formatDateTime(iso)) {
  return h('time', { datetime: iso }, text);
}

/** Whole days since `iso` (0 on the first day). */
export function ageInDays(iso, now = Date.now()) {
  const d = parse(iso);
  if (!d) return 0;
  return Math.max(0, Math.floor((now - d.getTime()) / 86_400_000));
}

export function ageText(days) {
  if (days === 0) return 'minder dan een dag oud';
  return days === 1 ? '1 dag oud' : `${days} dagen oud`;
}

// ------------------------------------------------------------------------------ page furniture

/** Reads a message out politely in the page's live region (role=status). */
export function announce(text) {
  const live = document.getElementById('rk-live');
  if (!live) return;
  // Clearing first makes a screen reader read a repeated message again.
  live.textContent = '';
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

/**
 * Shows an error (or warning) alert at the top of the page, focusable and announced.
 * Returns the alert element; `actions` are extra nodes (buttons, links) under the text.
 */
export function showPageAlert(title, text, { kind = 'error', actions = [], focus = true } = {}) {
  const box = document.getElementById('rk-alerts');
  if (!box) return null;
  const titleId = uid('rk-alert-title');
  const alert = h(
    'div',
    { class: `utrecht-alert utrecht-alert--${kind} rk-alert`, role: kind === 'error' ? 'alert' : 'status', tabindex: '-1', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'utrecht-alert__content' },
      h(
        'div',
        { class: 'utrecht-alert__message' },
        h('p', { class: 'utrecht-paragraph rk-alert__title', id: titleId }, title),
        text ? h('p', { class: 'utrecht-paragraph' }, text) : null,
        actions.length ? h('div', { class: 'rk-alert__actions' }, actions) : null,
      ),
    ),
  );
  box.replaceChildren(alert);
  if (focus) alert.focus();
  return alert;
}

export function clearPageAlert() {
  document.getElementById('rk-alerts')?.replaceChildren();
}

// ------------------------------------------------------------------------------ drafts

// Unposted comments and unsaved decisions are kept in this tab (sessionStorage: decide.js,
// team-report.js) so that text survives a session that ended while typing: after logging in
// again the form has it back. It belongs to whoever typed it: `rk-drafts-owner` names that
// account, and a page of another account (someone else logged in on the same tab after a
// session ended) forgets them before anything is restored. This runs when a team page loads
// this module, before its own scripts read their drafts.
const DRAFT_PREFIXES = ['rk-comment-draft:', 'rk-decision-draft:'];
const DRAFTS_OWNER = 'rk-drafts-owner';

function dropDrafts() {
  try {
    for (const key of Object.keys(sessionStorage))
      if (DRAFT_PREFIXES.some((p) => key.startsWith(p))) sessionStorage.removeItem(key);
    sessionStorage.removeItem(DRAFTS_OWNER);
  } catch {
    // storage off: nothing was kept
  }
}

function claimDrafts() {
  const user = document.querySelector('.rk-usernav')?.dataset.user;
  if (!user) return;  // no one logged in on this page: nothing is restored here
  try {
    if (sessionStorage.getItem(DRAFTS_OWNER) !== user) {
      dropDrafts();
      sessionStorage.setItem(DRAFTS_OWNER, user);
    }
  } catch {
    // storage off: nothing was kept
  }
}

claimDrafts();

// ------------------------------------------------------------------------------ leaving with unsent text

// Closing or reloading the tab while a decision note or a comment has not been sent asks the
// browser's own question ("Wilt u deze site verlaten?"): a closed tab loses what sessionStorage
// kept. Not asked when the page itself leaves with the text kept in this tab (to the login page
// and back, a link to another team page, "Pagina opnieuw laden"): the text comes back there.
let leavingOnPurpose = false;

function storageWorks() {
  try {
    sessionStorage.setItem('rk-probe', '1');
    sessionStorage.removeItem('rk-probe');
    return true;
  } catch {
    return false;
  }
}

/** The page leaves by itself, with what was typed kept in this tab: no question. */
export function leaveOnPurpose() {
  if (!storageWorks()) return; // nothing is kept: the question protects the text
  leavingOnPurpose = true;
  // (a navigation that does not happen after all must not switch the question off for good)
  window.setTimeout(() => {
    leavingOnPurpose = false;
  }, 3000);
}

/** Reloads the page; `kept`: the text stays kept in this tab, so no question. */
export function reloadOnPurpose(kept = true) {
  if (kept) leaveOnPurpose();
  location.reload();
}

/**
 * Whether the page holds text that was typed and not sent: an open decision form's note or
 * earlier report, the comment field, or a decision whose text was kept when its form closed
 * (its button says "(tekst bewaard)").
 */
export function unsentText() {
  const fields = document.querySelectorAll('.rk-decide__panel textarea, .rk-decide__panel input[name="duplicate_of"], .rk-comment-form textarea');
  for (const field of fields) if (field.value.trim()) return true;
  return document.querySelector('.rk-decide__draft-mark') !== null;
}

/** Asks before the tab closes or reloads while unsentText(); call once per page. */
export function guardUnsentText() {
  // A link to another page of this site (the report, back to the week): the text is kept in
  // this tab and restored when the page that has it opens again.
  window.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // within this page
    leaveOnPurpose();
  });
  window.addEventListener('beforeunload', (event) => {
    if (leavingOnPurpose || !unsentText()) return;
    event.preventDefault();
    // (older browsers ask only when returnValue is set)
    event.returnValue = '';
  });
}

/**
 * The logout button in the header is a plain form (POST /logout) that works without script;
 * with script it becomes DELETE /api/v1/session with the CSRF header, then the login page.
 */
export function setupLogout() {
  const form = document.querySelector('form.rk-usernav__logout');
  if (!form) return;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    try {
      await api('DELETE', '/api/v1/session');
    } catch (err) {
      // Already logged out (401) is fine; anything else: say so and stay.
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 0)) {
        showPageAlert('Uitloggen lukte niet', err instanceof ApiError ? err.dutch : String(err));
        if (button) button.disabled = false;
        return;
      }
    }
    // Unposted comments and unsaved decisions kept for a session that ended stay with nobody
    // after a logout.
    dropDrafts();
    tellOtherTabs({ type: 'logout' });
    leaveOnPurpose();
    location.assign(`${LOGIN_PATH}?reden=uitgelogd`);
  });
}

/** Whether the logged-in member may change reports (triager, admin), as the server rendered it. */
export function canChange() {
  return document.getElementById('inhoud')?.dataset.canChange === 'true';
}

/**
 * Listens to GET /api/v1/events (report.created, report.updated). `onEvent(type, data)`;
 * `onState('open' | 'reconnecting' | 'closed')`. The browser reconnects by itself and sends
 * Last-Event-ID. Returns the EventSource.
 */
export function subscribe(onEvent, onState = () => {}) {
  if (typeof EventSource === 'undefined') return null;
  const source = new EventSource('/api/v1/events');
  // resync: the server could not replay everything since Last-Event-ID; reload what is shown.
  for (const type of ['report.created', 'report.updated', 'resync']) {
    source.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data && typeof data === 'object') onEvent(type, data);
    });
  }
  source.addEventListener('open', () => onState('open'));
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      onState('closed');
      // Perhaps the session ended: a 401 here sends the browser to the login page. (Not after
      // a logout in another tab: the page says so already and leaves the choice to the user.)
      if (elsewhere?.kind === 'logout') return;
      sessionPromise = null;
      session().catch(() => {});
    } else {
      onState('reconnecting');
    }
  });
  window.addEventListener('pagehide', () => source.close());
  return source;
}

/** Calls `fn` at most once per `ms`, with the last arguments, after things settle. */
export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), ms);
  };
}
