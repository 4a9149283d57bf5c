// Decisions in place, for a queue item on /team and for /team/reports/{id}: one button per
// transition that /api/v1/meta allows from the report's status, each opening a small form that
// asks for what that transition needs (a note for rejected and wont_fix and for reopening a
// closed report, the earlier report for duplicate, an outcome for resolved); and a form for
// assignee, priority and owning department.
//
// Saving is PATCH /api/v1/reports/{id} with If-Match: "<version>". When someone else saved
// first (412) the form stays filled in, the report is loaded again, and the page explains in
// Dutch what the other person changed, with a button to save one's own change on top of it.

import {
  actorLabel,
  announce,
  api,
  ApiError,
  closedStatuses,
  currentUser,
  departmentLabel,
  fieldMessage,
  formatDateTime,
  h,
  isolated,
  outcomeLabel,
  slowAnswerAlert,
  whenSlow,
  priorityLabel,
  statusLabel,
  timeElement,
  uid,
  userText,
  versionFromEtag,
} from './api.js';
import { attachCounter, characterCount } from './forms.js';

/** The longest decision note the server takes (as a comment: both 5,000 characters). */
export const NOTE_LIMIT = 5000;

const numberFormat = new Intl.NumberFormat('nl-NL');

/** "Deze tekst is 6.110 tekens te lang: maximaal 5.000 tekens." */
export function tooLongMessage(text, limit) {
  const over = characterCount(text) - limit;
  return `Deze tekst is ${numberFormat.format(over)} ${over === 1 ? 'teken' : 'tekens'} te lang: maximaal ${numberFormat.format(limit)} tekens.`;
}

// What the button for a transition says, by target status.
const ACTION_NL = {
  new: 'Terug naar de wachtrij',
  needs_info: 'Meer informatie vragen',
  accepted: 'Accepteren',
  in_progress: 'In behandeling nemen',
  resolved: 'Oplossen',
  wont_fix: 'Niet oplossen',
  rejected: 'Afwijzen',
  duplicate: 'Dubbele melding',
};

/** The Dutch verb for moving a report from `from` to `to`. */
export function actionLabel(m, from, to) {
  if (closedStatuses(m).has(from)) return to === 'accepted' ? 'Heropenen' : `Heropenen: ${statusLabel(m, to)}`;
  return ACTION_NL[to] ?? statusLabel(m, to);
}

/** The targets /api/v1/meta allows from `status`. */
export function transitionsFrom(m, status) {
  const list = m?.transitions?.[status];
  return Array.isArray(list) ? list : [];
}

/**
 * What a transition needs, as PRODUCT.md and CONTRACT.md say; and on this page also the question
 * when the team asks for more information (the reporter is told to read it; the API leaves it
 * optional).
 */
export function requirementsOf(m, from, to) {
  const reopening = closedStatuses(m).has(from) && !closedStatuses(m).has(to);
  return {
    noteRequired: to === 'rejected' || to === 'wont_fix' || to === 'needs_info' || reopening,
    duplicate: to === 'duplicate',
    outcome: to === 'resolved',
    reopening,
  };
}

function noteLabel(to, reopening) {
  if (reopening) return 'Waarom gaat de melding weer open?';
  switch (to) {
    case 'rejected':
      return 'Reden van de afwijzing';
    case 'wont_fix':
      return 'Reden waarom het niet wordt opgelost';
    case 'needs_info':
      return 'Wat wil het team weten?';
    case 'resolved':
      return 'Wat is er veranderd of afgesproken?';
    case 'duplicate':
      return 'Toelichting';
    default:
      return 'Toelichting';
  }
}

// ------------------------------------------------------------------------------ history texts

/** One history event as a Dutch sentence (without actor and time). */
export function describeEvent(m, ev) {
  const value = (k) => ev[k] ?? ev.details?.[k];
  switch (ev.type) {
    case 'created':
      return 'Melding ontvangen';
    case 'status': {
      const from = value('from');
      const to = value('to');
      let text = from ? `Status van ‘${statusLabel(m, from)}’ naar ‘${statusLabel(m, to)}’` : `Status ‘${statusLabel(m, to)}’`;
      const outcome = value('outcome');
      if (outcome) text += `, uitkomst: ${outcomeLabel(m, outcome)}`;
      const dup = value('duplicate_of');
      if (to === 'duplicate' && dup) text += `, dubbel van ${referenceOf(dup)}`;
      return text;
    }
    case 'priority': {
      const to = value('to') ?? value('priority');
      const from = value('from');
      return from ? `Prioriteit van ‘${priorityLabel(m, from)}’ naar ‘${priorityLabel(m, to)}’` : `Prioriteit ‘${priorityLabel(m, to)}’`;
    }
    case 'assignee': {
      const to = value('to') ?? value('assignee');
      return to ? `Toegewezen aan ${isolated(to)}` : 'Niet meer aan iemand toegewezen';
    }
    case 'owner_department': {
      const to = value('to') ?? value('owner_department');
      return to ? `Dienst die over de regel gaat: ${departmentLabel(m, to)}` : 'Dienst die over de regel gaat: niet meer ingevuld';
    }
    case 'duplicate_of': {
      const to = value('to') ?? value('duplicate_of');
      return to ? `Gemarkeerd als dubbel van ${referenceOf(to)}` : 'Niet meer gemarkeerd als dubbel';
    }
    case 'outcome':
      return `Uitkomst: ${outcomeLabel(m, value('to') ?? value('outcome'))}`;
    case 'comment':
      return value('visibility') === 'reporter' ? 'Opmerking, ook zichtbaar voor de melder' : 'Interne opmerking';
    case 'reply':
      return 'Aanvulling van de melder';
    default:
      return 'Wijziging';
  }
}

/** The note or text that goes with an event, if any. */
export function eventText(ev) {
  return ev.note ?? ev.body ?? ev.details?.note ?? ev.details?.body ?? '';
}

const WATCHED = ['status', 'priority', 'assignee', 'owner_department', 'duplicate_of', 'outcome'];

function fieldValueText(m, field, value) {
  if (value === null || value === undefined || value === '') return '(leeg)';
  switch (field) {
    case 'status':
      return statusLabel(m, value);
    case 'priority':
      return priorityLabel(m, value);
    case 'owner_department':
      return departmentLabel(m, value);
    case 'outcome':
      return outcomeLabel(m, value);
    case 'duplicate_of':
      return `melding ${value}`;
    default:
      return String(value);
  }
}

const FIELD_NL = {
  status: 'Status',
  priority: 'Prioriteit',
  assignee: 'Toegewezen aan',
  owner_department: 'Dienst die over de regel gaat',
  duplicate_of: 'Dubbel van',
  outcome: 'Uitkomst',
};

/**
 * What changed between two versions of a report, as Dutch lines ("Status: Nieuw → Geaccepteerd"):
 * each line a list of strings and nodes for h(), names typed by the team isolated (userText).
 */
export function changesBetween(m, before, after) {
  const lines = [];
  const value = (field, v) => (field === 'assignee' && v ? userText(v) : fieldValueText(m, field, v));
  for (const field of WATCHED) {
    const a = before?.[field] ?? null;
    const b = after?.[field] ?? null;
    if (a !== b) lines.push([`${FIELD_NL[field]}: `, value(field, a), ' → ', value(field, b)]);
  }
  return lines;
}

// ------------------------------------------------------------------------------ form fields

function field({ name, label, required, description, control }) {
  const id = control.id;
  const descId = description ? `${id}-description` : null;
  if (descId) control.setAttribute('aria-describedby', descId);
  if (required) control.setAttribute('aria-required', 'true');
  return h(
    'div',
    { class: 'utrecht-form-field rk-field rk-field--compact', dataset: { rkField: name } },
    h(
      'div',
      { class: 'utrecht-form-field__label' },
      h('label', { class: 'utrecht-form-label', for: id }, label, ' ', h('span', { class: 'rk-required' }, required ? '(verplicht)' : '(niet verplicht)')),
    ),
    description ? h('div', { class: 'utrecht-form-field-description utrecht-form-field__description', id: descId }, description) : null,
    h('div', { class: 'utrecht-form-field__input' }, control),
  );
}

/**
 * Shows (or with null, removes) the Dutch error message of one form field: the message before
 * the control, linked by aria-describedby, the control marked aria-invalid.
 */
export function markField(wrapper, control, message) {
  const errorId = `${control.id}-error`;
  document.getElementById(errorId)?.remove();
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x && x !== errorId);
  if (message) {
    const p = h('p', { class: 'utrecht-form-field-error-message utrecht-form-field__error-message', id: errorId }, h('span', { class: 'rk-visually-hidden' }, 'Fout: '), message);
    wrapper.querySelector('.utrecht-form-field__input').before(p);
    ids.push(errorId);
    control.setAttribute('aria-invalid', 'true');
    wrapper.classList.add('utrecht-form-field--invalid');
  } else {
    control.removeAttribute('aria-invalid');
    wrapper.classList.remove('utrecht-form-field--invalid');
  }
  if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

/** The same for the field named `name` of a form built by field(). */
export function setFieldError(form, name, message) {
  const wrapper = form.querySelector(`[data-rk-field="${CSS.escape(name)}"]`);
  if (!wrapper) return false;
  markField(wrapper, wrapper.querySelector('input, textarea, select'), message);
  return true;
}

export function clearFieldErrors(form) {
  for (const wrapper of form.querySelectorAll('[data-rk-field]')) setFieldError(form, wrapper.dataset.rkField, null);
}

/**
 * Shows the field messages of a 422 next to their fields; messages for fields that this form
 * does not have go into `fallback` (a list). Focuses the first field with a problem.
 */
export function showFieldErrors(form, fields, fallback) {
  const rest = [];
  let first = null;
  for (const [name, english] of Object.entries(fields ?? {})) {
    const message = fieldMessage(name, String(english ?? ''));
    if (setFieldError(form, name, message)) {
      first ??= form.querySelector(`[data-rk-field="${CSS.escape(name)}"] input, [data-rk-field="${CSS.escape(name)}"] textarea, [data-rk-field="${CSS.escape(name)}"] select`);
    } else rest.push(message);
  }
  fallback(rest);
  return first;
}

function errorBox(form) {
  return form.querySelector('.rk-form-error');
}

function showFormError(form, title, lines = []) {
  const box = errorBox(form);
  const parts = [h('p', { class: 'utrecht-paragraph rk-alert__title' }, title)];
  // (only when there are lines: replaceChildren would show a null as the text "null")
  if (lines.length) parts.push(h('ul', { class: 'utrecht-unordered-list' }, lines.map((l) => h('li', { class: 'utrecht-unordered-list__item' }, l))));
  box.replaceChildren(...parts);
  box.hidden = false;
}

function clearFormError(form) {
  const box = errorBox(form);
  box.hidden = true;
  box.replaceChildren();
}

// References of the reports this page has shown (queue, decisions, similar reports …), so that
// "RK-2026-00012" can be turned into an id without a search.
const knownReferences = new Map();

// Who reports on this page are assigned to, offered when assigning another (a typo would make
// a second name for one colleague).
const knownAssignees = new Set();

/** Offers `name` (the logged-in member: "assign to me") when assigning. */
export function rememberAssignee(name) {
  if (typeof name === 'string' && name.trim()) knownAssignees.add(name.trim());
}

/** Remembers reference → id, and the assignee, of reports shown on the page. */
export function rememberReports(list) {
  for (const r of list ?? []) {
    if (r && r.reference && r.id !== undefined && r.id !== null) knownReferences.set(String(r.reference).toUpperCase(), r.id);
    if (r && typeof r.assignee === 'string' && r.assignee.trim()) knownAssignees.add(r.assignee.trim());
    // Earlier assignees, as the history on the page names them.
    for (const ev of r?.history ?? []) if (ev.type === 'assignee') for (const name of [ev.from, ev.to]) rememberAssignee(name);
  }
}

/** How pages name a report by its id: its reference when the page has seen it, else "melding 12". */
export function referenceOf(id) {
  for (const [reference, known] of knownReferences) if (String(known) === String(id)) return reference;
  return `melding ${id}`;
}

function amsterdamYear() {
  return new Intl.DateTimeFormat('en', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(new Date());
}

/**
 * What a triager types for "the earlier report": a reference ("RK-2026-00012", "rk-2026-12"), the
 * number of this year's reference ("12", "00012": RK-2026-00012), or the report's address
 * (…/team/reports/34). Answers {reference, id} (id null when no report has that reference), or
 * null when the text is none of these. Internal ids are never typed: the pages show references.
 */
export async function resolveReportRef(text) {
  const value = text.trim();
  const address = /\/team\/reports\/(\d{1,15})\/?$/.exec(value);
  if (address) return { id: Number(address[1]), reference: referenceOf(address[1]) };
  let year;
  let number;
  const full = /^RK-(\d{4})-(\d{1,10})$/i.exec(value);
  const bare = /^#?\s*(\d{1,10})$/.exec(value);
  if (full) [, year, number] = full;
  else if (bare) [year, number] = [amsterdamYear(), bare[1]];
  else return null;
  const reference = `RK-${year}-${number.replace(/^0+(?=\d)/, '').padStart(5, '0')}`;
  if (knownReferences.has(reference)) return { id: knownReferences.get(reference), reference };
  const params = new URLSearchParams({ q: reference, limit: '20' });
  const res = await api('GET', `/api/v1/reports?${params}`);
  const hit = (res.data?.items ?? []).find((r) => String(r.reference).toUpperCase() === reference);
  if (hit) knownReferences.set(reference, hit.id);
  return { id: hit ? hit.id : null, reference };
}

// ------------------------------------------------------------------------------ drafts

// What is typed in a decision form is kept in this tab (sessionStorage), per decision, until it
// is saved or explicitly thrown away: closing the form (Escape, ‘Annuleren’, choosing another
// decision) keeps it, and the same decision form opens with it again. When the session ended
// meanwhile, saving leads to /login and back, and the form that was open opens again with what
// was typed. Logging out forgets it all (api.js).
//
//   rk-decision-draft:<id> = {"open": "<to>" | null, "drafts": {"<to>": {note, duplicate, outcome}}}
const draftKey = (id) => `rk-decision-draft:${id}`;

function readDrafts(id) {
  try {
    const d = JSON.parse(sessionStorage.getItem(draftKey(id)) ?? 'null');
    if (!d || typeof d !== 'object') return { open: null, drafts: {} };
    const clean = (x) => ({ note: String(x?.note ?? ''), duplicate: String(x?.duplicate ?? ''), outcome: String(x?.outcome ?? '') });
    // The earlier form of the key: one decision, open when the session ended.
    if (typeof d.to === 'string') return { open: d.to, drafts: { [d.to]: clean(d) } };
    const drafts = {};
    for (const [to, x] of Object.entries(d.drafts ?? {})) if (/^[a-z_]+$/.test(to)) drafts[to] = clean(x);
    return { open: typeof d.open === 'string' && d.open in drafts ? d.open : null, drafts };
  } catch {
    return { open: null, drafts: {} };
  }
}

function writeDrafts(id, data) {
  try {
    if (Object.keys(data.drafts).length) sessionStorage.setItem(draftKey(id), JSON.stringify(data));
    else sessionStorage.removeItem(draftKey(id));
  } catch {
    // Storage off or full: the form works as before, without the safety net.
  }
}

const hasText = (d) => Boolean(d && (d.note.trim() || d.duplicate.trim() || d.outcome));

/** Keeps what the open form for `to` holds (an empty form keeps nothing). */
function keepDraft(id, to, draft) {
  const data = readDrafts(id);
  if (hasText(draft)) {
    data.drafts[to] = draft;
    data.open = to;
  } else {
    delete data.drafts[to];
    if (data.open === to) data.open = null;
  }
  writeDrafts(id, data);
}

/** The kept text of one decision, or null. */
function draftFor(id, to) {
  const d = readDrafts(id).drafts[to];
  return hasText(d) ? d : null;
}

/** The form of `to` (or any) is no longer open; its text stays kept. */
function closeDraft(id) {
  const data = readDrafts(id);
  if (data.open === null) return;
  data.open = null;
  writeDrafts(id, data);
}

/** Forgets the text of one decision, or (without `to`) of all decisions on this report. */
function dropDraft(id, to) {
  if (to === undefined) {
    writeDrafts(id, { open: null, drafts: {} });
    return;
  }
  const data = readDrafts(id);
  delete data.drafts[to];
  if (data.open === to) data.open = null;
  writeDrafts(id, data);
}

// ------------------------------------------------------------------------------ the component

/**
 * The decision controls of one report. Options:
 *   meta        GET /api/v1/meta
 *   canChange   false: nothing to decide (managers)
 *   onSaved(updated, {to, kind})  after a successful PATCH (kind: 'status' | 'assign')
 *   onFresh(fresh)                the report was loaded again after a conflict
 *   name        how to refer to the report in labels ("RK-2026-00042")
 */
export class Decisions {
  constructor(report, options) {
    // `report`: the version an open form applies to (its If-Match); `current`: the newest
    // version the page knows. They differ while a form stays open across someone's change: the
    // buttons then already offer what the new status allows, and saving the form shows first
    // what changed (412).
    this.report = report;
    this.current = report;
    this.options = options;
    this.meta = options.meta;
    this.panel = null;
    this.opener = null;
    this.actions = null;
    this.sending = false;
    // A save whose answer never came (the connection broke): {kind, to, body, version}. When
    // its change shows up after all (live, or on the next attempt), it was saved.
    this.unconfirmed = null;
    this.element = h('div', { class: 'rk-decide' });
    this.render();
  }

  /**
   * Opens the decision that was being written when the session ended, if it still applies.
   * Answers whether it opened one. Kept texts of decisions no longer possible are forgotten.
   */
  restoreDraft({ focus = true } = {}) {
    if (!this.options.canChange) return false;
    const id = this.report.id;
    const { open, drafts } = readDrafts(id);
    const allowed = transitionsFrom(this.meta, this.current.status);
    for (const to of Object.keys(drafts)) if (!allowed.includes(to)) dropDraft(id, to); // someone else decided meanwhile
    this.markDrafts();
    if (!open || !allowed.includes(open)) return false;
    const opener = this.buttonFor(open);
    this.openStatus(open, opener, { restored: true, focus });
    return true;
  }

  buttonFor(to) {
    return [...this.element.querySelectorAll('.rk-decide__button')].find((b) => b.dataset.to === to) ?? null;
  }

  /** The buttons of decisions with a kept, unsaved text say so. */
  markDrafts() {
    const { drafts } = readDrafts(this.report.id);
    for (const button of this.element.querySelectorAll('.rk-decide__button[data-to]')) {
      button.querySelector('.rk-decide__draft-mark')?.remove();
      if (hasText(drafts[button.dataset.to])) button.append(h('span', { class: 'rk-decide__draft-mark' }, ' (tekst bewaard)'));
    }
  }

  /**
   * True while a form is open or the focus is on one of the buttons: the report is then not
   * replaced under the user's hands (a notice says it changed; saving shows what changed).
   */
  get busy() {
    return this.panel !== null || this.element.contains(document.activeElement);
  }

  /**
   * A newer version of the report arrived (live update). The buttons always follow it: they
   * offer only the steps its status allows. An open form stays as it was, with a notice; a
   * decision that is no longer possible says so and keeps its text. Returns false when a form
   * is open.
   */
  update(fresh) {
    if (!isNewer(fresh, this.current)) return true;
    const before = this.current;
    this.current = fresh;
    if (this.unconfirmed && this.confirms(fresh)) {
      this.savedAfterAll(fresh);
      return true;
    }
    if (this.panel) {
      this.renderActions();
      // While a save is on its way its answer tells (send() looks again when it fails).
      if (!this.sending) this.afterChange(before);
      return false;
    }
    const focused = this.focusedAction();
    this.render();
    if (focused !== null) {
      this.refocus(focused);
      if (fresh.status !== before.status) this.showChangedNotice(fresh, before);
    }
    return true;
  }

  /** With a form open, after a newer version arrived: a notice, and the form checked against it. */
  afterChange(before) {
    const fresh = this.current;
    // One's own change from elsewhere (a comment, another tab) needs no warning, and the form
    // may apply to it, as long as its decision is still possible.
    if (changedBy(this.report, fresh).own && this.stillPossible()) {
      this.report = fresh;
      this.notice?.replaceChildren();
      return;
    }
    this.showChangedNotice(fresh, before);
    this.checkPanel();
  }

  /** Whether the open form's decision can still be taken from the newest status. */
  stillPossible() {
    const to = this.panel?.dataset.to;
    return !to || transitionsFrom(this.meta, this.current.status).includes(to);
  }

  /** Marks the open decision form as possible or not, after the status changed. */
  checkPanel() {
    const form = this.panel;
    const to = form?.dataset.to;
    if (!form || !to) return;
    if (this.stillPossible()) {
      if (form.dataset.impossible) this.markPossible(form);
      return;
    }
    if (form.dataset.impossible === this.current.status) return; // said already
    const { names, own } = changedBy(this.report, this.current);
    this.markImpossible(form, to, { names, own });
  }

  render() {
    // Nothing open: the buttons and any new form start from the newest version.
    this.panel = null;
    this.report = this.current;
    if (!this.options.canChange) {
      this.element.replaceChildren();
      return;
    }
    this.actions = h('div', { class: 'rk-decide__actions', role: 'group', 'aria-label': `Besluit over ${this.options.name ?? this.current.reference}` }, this.actionButtons());
    this.notice = h('div', { class: 'rk-decide__notice', role: 'status' });
    this.slot = h('div', { class: 'rk-decide__slot' });
    this.element.replaceChildren(this.actions, this.notice, this.slot);
    this.markDrafts();
  }

  /** One button per step the newest status allows, and the one for assignment and priority. */
  actionButtons() {
    const m = this.meta;
    const r = this.current;
    const buttons = transitionsFrom(m, r.status).map((to) =>
      h(
        'button',
        {
          type: 'button',
          class: `utrecht-button ${to === 'accepted' || to === 'in_progress' || to === 'resolved' ? 'utrecht-button--primary-action' : 'utrecht-button--secondary-action'} rk-decide__button`,
          'aria-expanded': 'false',
          dataset: { to },
          onclick: (e) => this.openStatus(to, e.currentTarget),
        },
        actionLabel(m, r.status, to),
      ),
    );
    buttons.push(
      h(
        'button',
        { type: 'button', class: 'utrecht-button utrecht-button--secondary-action rk-decide__button rk-decide__assign', 'aria-expanded': 'false', onclick: (e) => this.openAssign(e.currentTarget) },
        'Toewijzen en prioriteit',
      ),
    );
    return buttons;
  }

  /** The buttons again for the newest status, an open form left as it is; the focus stays. */
  renderActions() {
    if (!this.actions) return;
    const focused = this.focusedAction();
    const opened = this.opener ? actionKey(this.opener) : null;
    this.actions.replaceChildren(...this.actionButtons());
    this.markDrafts();
    this.opener = opened === null ? null : this.buttonByKey(opened);
    if (this.opener && this.panel) {
      this.opener.setAttribute('aria-expanded', 'true');
      this.opener.setAttribute('aria-controls', this.panel.id);
    }
    if (focused !== null) this.refocus(focused);
  }

  focusedAction() {
    const el = document.activeElement;
    return el && this.actions?.contains(el) && el.matches('.rk-decide__button') ? actionKey(el) : null;
  }

  buttonByKey(key) {
    return key === 'assign' ? this.element.querySelector('.rk-decide__assign') : this.buttonFor(key);
  }

  /** The focus back on the same step, or (when that is gone) on the first one. */
  refocus(key) {
    (this.buttonByKey(key) ?? this.element.querySelector('.rk-decide__button'))?.focus();
  }

  showChangedNotice(fresh, before = this.report) {
    const { names, own } = changedBy(before, fresh);
    const statusChanged = fresh.status !== before.status;
    const possible = this.stillPossible();
    this.notice?.replaceChildren(
      h(
        'p',
        { class: 'utrecht-paragraph rk-decide__changed' },
        own ? 'Let op: u heeft deze melding zelf gewijzigd' : ['Let op: ', whoNodes(names), ' heeft deze melding zojuist gewijzigd'],
        ` (status nu: ${statusLabel(this.meta, fresh.status)}).`,
        statusChanged ? ' U ziet nu alleen de stappen die vanuit deze status mogen.' : '',
        this.panel && possible ? ' Als u opslaat, ziet u eerst wat er veranderde.' : '',
      ),
    );
  }

  /**
   * Closes the open form. What was typed in a decision form stays kept (only saving or
   * ‘Tekst wissen’ forgets it); the page says so, and the button of that decision shows it.
   * Answers the decision whose text was kept, if any.
   */
  closePanel({ focusOpener = true } = {}) {
    const opener = this.opener;
    const to = this.panel?.dataset.to;
    this.panel?.remove();
    this.panel = null;
    this.opener = null;
    // Nothing open any more: what comes next starts from the newest version.
    this.report = this.current;
    for (const b of this.element.querySelectorAll('.rk-decide__button')) b.setAttribute('aria-expanded', 'false');
    let kept = null;
    if (to) {
      closeDraft(this.report.id);
      if (draftFor(this.report.id, to)) kept = to;
      this.markDrafts();
    }
    if (focusOpener) (opener?.isConnected ? opener : this.element.querySelector('.rk-decide__button'))?.focus();
    return kept;
  }

  /** Closed by the user (Escape, ‘Annuleren’): the form goes, what was typed in it is kept. */
  cancelPanel() {
    const from = this.report.status;
    const kept = this.closePanel();
    if (!kept) return;
    const action = actionLabel(this.meta, from, kept);
    if (transitionsFrom(this.meta, this.current.status).includes(kept))
      announce(`Het formulier is gesloten. Uw tekst is bewaard, maar niet opgeslagen; u ziet hem weer als u ‘${action}’ kiest.`);
    else announce(`Het formulier is gesloten. Uw tekst bij ‘${action}’ is niet opgeslagen; die stap kan nu niet. De tekst blijft in dit tabblad bewaard voor als die stap weer kan.`);
  }

  /**
   * Opens the form for a status change. `prefill`: {duplicate} for "mark as duplicate of this
   * one"; {note, outcome, duplicate, restored} for a kept draft.
   */
  openStatus(to, opener, given = {}) {
    const switched = this.closePanel({ focusOpener: false });
    const m = this.meta;
    const r = this.report;
    // A text kept from before (this form closed without saving, or the session ended) comes back.
    const kept = draftFor(r.id, to);
    const prefill = kept ? { ...kept, ...given, duplicate: given.duplicate ?? kept.duplicate, kept: true } : { ...given };
    if (switched && switched !== to) announce(`Uw tekst bij ‘${actionLabel(m, r.status, switched)}’ is bewaard, maar niet opgeslagen.`);
    const needs = requirementsOf(m, r.status, to);
    const action = actionLabel(m, r.status, to);
    const base = uid('rk-decide');
    const titleId = `${base}-title`;
    const fields = [];
    if (needs.duplicate) {
      fields.push(
        field({
          name: 'duplicate_of',
          label: 'Kenmerk van de eerdere melding',
          required: true,
          description: 'Bijvoorbeeld RK-2026-00012, of alleen 12 voor een melding van dit jaar.',
          control: h('input', { class: 'utrecht-textbox utrecht-textbox--html-input rk-input rk-input--medium', id: `${base}-duplicate`, name: 'duplicate_of', type: 'text', autocomplete: 'off', spellcheck: 'false', value: prefill.duplicate ?? '' }),
        }),
      );
    }
    if (needs.outcome) {
      const select = h(
        'select',
        { class: 'utrecht-select utrecht-select--html-select rk-select', id: `${base}-outcome`, name: 'outcome' },
        h('option', { value: '' }, 'Kies een uitkomst …'),
        (m.outcomes ?? []).map((o) => h('option', { value: o }, outcomeLabel(m, o))),
      );
      fields.push(field({ name: 'outcome', label: 'Uitkomst', required: true, description: 'Wat heeft de melding opgeleverd? Dit telt mee in de maandcijfers.', control: select }));
    }
    const noteControl = h('textarea', { class: 'utrecht-textarea utrecht-textarea--html-textarea rk-input', id: `${base}-note`, name: 'note', rows: '3' }, prefill.note ?? '');
    fields.push(
      field({
        name: 'note',
        label: noteLabel(to, needs.reopening),
        required: needs.noteRequired,
        description: `De melder leest deze toelichting op de volgpagina. Ze komt ook in de geschiedenis van de melding en in de besluitenlijst van de week. Iets alleen voor het team? Zet dat in een opmerking ‘alleen voor het team’. Maximaal ${numberFormat.format(NOTE_LIMIT)} tekens.`,
        control: noteControl,
      }),
    );
    // The same counter as on the reporter's pages.
    attachCounter(noteControl, NOTE_LIMIT);
    const form = h(
      'form',
      { class: 'rk-decide__panel', novalidate: true, 'aria-labelledby': titleId, dataset: { to } },
      h('p', { class: 'utrecht-paragraph rk-decide__title', id: titleId }, `${action}: ${this.options.name ?? r.reference}`),
      prefill.kept ? this.draftNote(to, prefill.restored) : null,
      h('div', { class: 'rk-conflict', hidden: true }),
      h('div', { class: 'utrecht-alert utrecht-alert--error rk-form-error', role: 'alert', hidden: true }),
      fields,
      h(
        'div',
        { class: 'rk-decide__buttons' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Besluit opslaan'),
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => this.cancelPanel() }, 'Annuleren'),
      ),
    );
    if (prefill.outcome && form.elements.outcome) form.elements.outcome.value = prefill.outcome;
    // "Uitgelegd, regel blijft" needs the explanation: the note's label says so as it is chosen,
    // and asks for what the reporter will read then.
    if (form.elements.outcome && !needs.noteRequired) {
      const showNoteRequired = () => {
        const required = form.elements.outcome.value === 'explained';
        const note = form.elements.note;
        const label = note.closest('.rk-field')?.querySelector('label');
        if (label?.firstChild?.nodeType === Node.TEXT_NODE)
          label.firstChild.textContent = required ? 'Uitleg aan de melder: waarom blijft de regel?' : noteLabel(to, needs.reopening);
        const marker = label?.querySelector('.rk-required');
        if (marker) marker.textContent = required ? '(verplicht)' : '(niet verplicht)';
        if (required) note.setAttribute('aria-required', 'true');
        else note.removeAttribute('aria-required');
      };
      form.elements.outcome.addEventListener('change', showNoteRequired);
      showNoteRequired();
    }
    const id = r.id;
    const keep = () =>
      keepDraft(id, to, {
        note: form.elements.note?.value ?? '',
        duplicate: form.elements.duplicate_of?.value ?? '',
        outcome: form.elements.outcome?.value ?? '',
      });
    form.addEventListener('input', keep);
    form.addEventListener('change', keep);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // A decision no longer possible is not sent (Enter in a field): its explanation again.
      if (form.dataset.impossible) {
        form.querySelector('.rk-conflict .rk-alert__title')?.focus();
        return;
      }
      this.submitStatus(form, to);
    });
    this.attachPanel(form, opener, { focus: given.focus !== false });
    // Open with a text: it is what would come back after a new login.
    if (prefill.kept) keep();
  }

  /** Says that the form holds an unsaved text from before, with a button to throw it away. */
  draftNote(to, restored) {
    const note = h(
      'div',
      { class: 'rk-draft-note' },
      h(
        'p',
        { class: 'utrecht-paragraph' },
        restored
          ? 'Uw besluit van daarnet is bewaard, maar nog niet opgeslagen. Controleer het en kies ‘Besluit opslaan’.'
          : 'Uw tekst van daarnet is bewaard, maar nog niet opgeslagen. Controleer hem en kies ‘Besluit opslaan’.',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'utrecht-button utrecht-button--subtle rk-button--small rk-draft-note__discard',
          onclick: (event) => {
            const form = event.currentTarget.closest('form');
            dropDraft(this.report.id, to);
            for (const name of ['note', 'duplicate_of', 'outcome']) if (form.elements[name]) form.elements[name].value = '';
            form.elements.note?.dispatchEvent(new Event('input', { bubbles: true })); // (the counter)
            note.remove();
            this.markDrafts();
            announce('De bewaarde tekst is gewist.');
            form.querySelector('input, textarea, select')?.focus();
          },
        },
        'Tekst wissen',
      ),
    );
    return note;
  }

  openAssign(opener) {
    this.closePanel({ focusOpener: false });
    const m = this.meta;
    const r = this.report;
    const base = uid('rk-assign');
    const titleId = `${base}-title`;
    const names = [...knownAssignees].sort((a, b) => a.localeCompare(b, 'nl'));
    const assignee = h('input', { class: 'utrecht-textbox utrecht-textbox--html-input rk-input rk-input--medium', id: `${base}-assignee`, name: 'assignee', type: 'text', autocomplete: 'off', value: r.assignee ?? '', list: names.length ? `${base}-assignees` : null });
    const suggestions = names.length ? h('datalist', { id: `${base}-assignees` }, names.map((name) => h('option', { value: name }))) : null;
    const priority = h(
      'select',
      { class: 'utrecht-select utrecht-select--html-select rk-select', id: `${base}-priority`, name: 'priority' },
      r.priority ? null : h('option', { value: '' }, 'Nog geen prioriteit'),
      (m.priorities ?? []).map((p) => h('option', { value: p, selected: p === r.priority }, priorityLabel(m, p))),
    );
    const owner = h(
      'select',
      { class: 'utrecht-select utrecht-select--html-select rk-select', id: `${base}-owner`, name: 'owner_department' },
      h('option', { value: '' }, 'Nog niet bekend'),
      (m.departments ?? []).map((d) => h('option', { value: d.key, selected: d.key === r.owner_department }, d.label)),
      // A department the administrator has since deactivated stays shown while it is the owner.
      r.owner_department && !(m.departments ?? []).some((d) => d.key === r.owner_department)
        ? h('option', { value: r.owner_department, selected: true }, `${departmentLabel(m, r.owner_department)} (niet meer in gebruik)`)
        : null,
    );
    const form = h(
      'form',
      { class: 'rk-decide__panel', novalidate: true, 'aria-labelledby': titleId, dataset: { kind: 'assign' } },
      h('p', { class: 'utrecht-paragraph rk-decide__title', id: titleId }, `Toewijzen en prioriteit: ${this.options.name ?? r.reference}`),
      h('div', { class: 'rk-conflict', hidden: true }),
      h('div', { class: 'utrecht-alert utrecht-alert--error rk-form-error', role: 'alert', hidden: true }),
      field({ name: 'assignee', label: 'Toegewezen aan', required: false, description: 'Wie pakt de melding op? Laat leeg als nog niemand. Namen die al bij andere meldingen staan, worden voorgesteld.', control: assignee }),
      suggestions,
      field({ name: 'priority', label: 'Prioriteit', required: false, control: priority }),
      field({ name: 'owner_department', label: 'Dienst die over de regel gaat', required: false, description: 'De dienst die de regel of werkwijze kan veranderen. Telt mee in de maandcijfers.', control: owner }),
      h(
        'div',
        { class: 'rk-decide__buttons' },
        h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Opslaan'),
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => this.closePanel() }, 'Annuleren'),
      ),
    );
    // What the fields held when the panel opened: only what the user changes from these is sent,
    // so saving again after a conflict never undoes a colleague's change to another field.
    form.baseline = { assignee: r.assignee ?? '', priority: r.priority ?? '', owner_department: r.owner_department ?? '' };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submitAssign(form);
    });
    this.attachPanel(form, opener);
  }

  attachPanel(form, opener, { focus = true } = {}) {
    this.panel = form;
    this.opener = opener;
    opener?.setAttribute('aria-expanded', 'true');
    if (!form.id) form.id = uid('rk-panel');
    opener?.setAttribute('aria-controls', form.id);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.cancelPanel();
      }
    });
    this.slot.replaceChildren(form);
    if (focus) form.querySelector('input, textarea, select')?.focus();
  }

  async submitStatus(form, to) {
    clearFieldErrors(form);
    clearFormError(form);
    const m = this.meta;
    const needs = requirementsOf(m, this.report.status, to);
    const note = form.elements.note?.value.trim() ?? '';
    const body = { status: to };
    const problems = [];
    if (characterCount(note) > NOTE_LIMIT) problems.push(['note', tooLongMessage(note, NOTE_LIMIT)]);
    else if (note) body.note = note;
    else if (needs.noteRequired)
      problems.push([
        'note',
        needs.reopening
          ? 'Schrijf waarom de melding weer opengaat.'
          : to === 'needs_info'
            ? 'Schrijf de vraag aan de melder op; die leest hem op de volgpagina.'
            : 'Schrijf de reden op; de melder en de besluitenlijst hebben die nodig.',
      ]);
    if (needs.outcome) {
      const outcome = form.elements.outcome.value;
      if (outcome) body.outcome = outcome;
      else problems.push(['outcome', 'Kies een uitkomst.']);
      // PRODUCT.md: `explained` means the rule stays *with an explanation to the reporter*; the
      // note is what the reporter reads (the API, as CONTRACT.md, leaves it optional).
      if (outcome === 'explained' && !note)
        problems.push(['note', 'Schrijf de uitleg aan de melder op: bij ‘Uitgelegd, regel blijft’ leest de melder hier waarom de regel blijft.']);
    }
    if (needs.duplicate) {
      const text = form.elements.duplicate_of.value;
      if (!text.trim()) problems.push(['duplicate_of', 'Vul het kenmerk van de eerdere melding in.']);
      else {
        try {
          const found = await resolveReportRef(text);
          if (found === null) problems.push(['duplicate_of', `‘${text.trim()}’ is geen kenmerk. Vul het kenmerk in, bijvoorbeeld RK-2026-00012, of alleen het nummer (12) voor een melding van dit jaar.`]);
          else if (found.id === null) problems.push(['duplicate_of', `Er is geen melding met kenmerk ${found.reference}. Controleer het kenmerk; een melding van een ander jaar vult u helemaal in (RK-2025-00012).`]);
          else if (String(found.id) === String(this.report.id)) problems.push(['duplicate_of', 'Een melding kan geen dubbel van zichzelf zijn.']);
          else body.duplicate_of = found.id;
        } catch (err) {
          this.showError(form, err);
          return;
        }
      }
    }
    if (problems.length) {
      for (const [name, message] of problems) setFieldError(form, name, message);
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    await this.send(form, body, { to, kind: 'status' });
  }

  async submitAssign(form) {
    clearFieldErrors(form);
    clearFormError(form);
    const r = this.report;
    const base = form.baseline;
    const body = {};
    const assignee = form.elements.assignee.value.trim();
    if (assignee !== base.assignee && assignee !== (r.assignee ?? '')) body.assignee = assignee || null;
    const priority = form.elements.priority.value;
    if (priority && priority !== base.priority && priority !== (r.priority ?? '')) body.priority = priority;
    const owner = form.elements.owner_department.value;
    if (owner !== base.owner_department && owner !== (r.owner_department ?? '')) body.owner_department = owner || null;
    if (Object.keys(body).length === 0) {
      showFormError(form, 'Er is niets gewijzigd.');
      form.querySelector('input, select')?.focus();
      return;
    }
    await this.send(form, body, { kind: 'assign' });
  }

  async send(form, body, info) {
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    this.sending = true;
    // No answer for a while (a frozen or overloaded server): say so, without sending again. A
    // decision's text stays kept in this tab until it is saved (drafts above).
    form.querySelector('.rk-slow')?.remove();
    const done = whenSlow(() => {
      form.querySelector(':scope > .rk-decide__buttons')?.before(slowAnswerAlert(info.kind === 'status' ? 'Uw besluit' : 'Uw wijziging', info.kind === 'status'));
    });
    const base = this.report;
    try {
      const res = await api('PATCH', `/api/v1/reports/${encodeURIComponent(base.id)}`, { body, ifMatch: base.version });
      const updated = res.data ?? {};
      if (updated.version === undefined || updated.version === null) updated.version = versionFromEtag(res.etag);
      // The same version back: the server had nothing to change (the report already was so)
      // and wrote no history. That is not a decision taken.
      const unchanged = String(updated.version) === String(base.version);
      this.finishSaved(updated, { ...info, unchanged });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // No answer at all: perhaps the server did save it. Should the change show up after all,
      // it is recognised as this one (update(), showConflict()).
      if (err.status === 0) this.unconfirmed = { ...info, body, version: base.version };
      if (err.status === 412) await this.showConflict(form, info);
      else {
        this.showError(form, err);
        // A newer version that arrived while this was on its way.
        if (this.panel === form && isNewer(this.current, this.report)) {
          if (this.unconfirmed && this.confirms(this.current)) this.savedAfterAll(this.current);
          else this.afterChange(this.report);
        }
      }
    } finally {
      this.sending = false;
      done();
      form.querySelector('.rk-slow')?.remove();
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  }

  /** Saved: the form goes, its kept text too, and the buttons follow the saved version. */
  finishSaved(updated, info) {
    this.unconfirmed = null;
    if (info.kind === 'status') dropDraft(updated.id ?? this.report.id);
    rememberReports([updated]);
    this.closePanel({ focusOpener: false });
    if (!isNewer(this.current, updated)) this.current = updated;
    this.render();
    this.options.onSaved?.(this.current, info);
  }

  /** Whether `fresh` holds the change whose answer never came, made by this member and nobody else. */
  confirms(fresh, base = this.report) {
    const u = this.unconfirmed;
    if (!u || !isNewer(fresh, { version: u.version })) return false;
    if (!changedBy(base, fresh).own) return false;
    for (const [name, value] of Object.entries(u.body)) {
      if (name === 'note') continue;
      if (String(fresh[name] ?? '') !== String(value ?? '')) return false;
    }
    return true;
  }

  /**
   * The save whose answer was lost did succeed. With its form still open, as after a normal
   * save; with the form closed meanwhile, only a word (the focus stays where it is).
   */
  savedAfterAll(fresh) {
    const info = this.unconfirmed;
    this.unconfirmed = null;
    const open = info.kind === 'status' ? this.panel?.dataset.to === info.to : this.panel?.dataset.kind === 'assign';
    if (open) {
      this.finishSaved(fresh, { ...info, afterAll: true });
      return;
    }
    if (info.kind === 'status') dropDraft(this.report.id, info.to);
    this.current = fresh;
    if (this.panel) {
      this.renderActions();
      this.checkPanel();
    } else this.render();
    this.options.onSaved?.(fresh, { ...info, afterAll: true, quiet: true });
  }

  /** Adds the explanation that the open decision can no longer be taken, with what to do now. */
  markImpossible(form, to, { names, own }) {
    const fresh = this.current;
    form.dataset.impossible = fresh.status;
    const submit = form.querySelector(':scope > .rk-decide__buttons > button[type="submit"]');
    if (submit) submit.hidden = true;
    const titleId = uid('rk-impossible-title');
    const box = form.querySelector('.rk-conflict');
    box.replaceChildren(
      h(
        'div',
        { class: 'utrecht-alert utrecht-alert--warning rk-alert rk-conflict__alert rk-impossible', role: 'alert', 'aria-labelledby': titleId },
        h(
          'div',
          { class: 'utrecht-alert__content' },
          h(
            'div',
            { class: 'utrecht-alert__message' },
            h('p', { class: 'utrecht-paragraph rk-alert__title', id: titleId, tabindex: '-1' }, 'Dit besluit kan niet meer'),
            this.impossibleParts(form, to, { names, own, from: this.report.status, fresh }),
          ),
        ),
      ),
    );
    box.hidden = false;
  }

  /** The explanation and the buttons for a decision that can no longer be taken (live or 412). */
  impossibleParts(form, to, { names, own, from, fresh }) {
    const m = this.meta;
    const label = statusLabel(m, fresh.status);
    const action = actionLabel(m, from, to);
    const who = own ? 'U heeft' : [whoNodes(names), ' heeft'];
    const what =
      fresh.status === to
        ? [who, ` de melding intussen al de status ‘${label}’ gegeven. Dit besluit is dus al genomen.`]
        : [who, ` de melding intussen de status ‘${label}’ gegeven. Vanuit die status kan ‘${action}’ niet.`];
    const note = form.elements.note;
    const asComment = h(
      'button',
      { type: 'button', class: 'utrecht-button utrecht-button--primary-action rk-impossible__comment', onclick: (e) => this.postAsComment(form, to, e.currentTarget) },
      'Tekst als interne opmerking plaatsen',
    );
    const hasNote = () => Boolean(note?.value.trim());
    asComment.hidden = !hasNote();
    // (the button is there only while there is a text to post)
    form.rkShowComment?.abort();
    form.rkShowComment = new AbortController();
    form.addEventListener('input', () => {
      asComment.hidden = !hasNote();
    }, { signal: form.rkShowComment.signal });
    const forget = h(
      'button',
      {
        type: 'button',
        class: 'utrecht-button utrecht-button--secondary-action',
        onclick: () => {
          // Explicitly thrown away: nothing of it is kept.
          dropDraft(this.report.id, to);
          this.closePanel({ focusOpener: false });
          this.render();
          this.element.querySelector('.rk-decide__button')?.focus();
          announce('Uw besluit is vergeten.');
        },
      },
      'Mijn besluit vergeten',
    );
    return [
      h('p', { class: 'utrecht-paragraph' }, what),
      h(
        'p',
        { class: 'utrecht-paragraph' },
        `U ziet nu alleen de stappen die vanuit ‘${label}’ mogen. `,
        note ? 'Uw tekst staat hieronder nog en is niet verstuurd. U kunt hem als interne opmerking plaatsen, of kopiëren en bij een van die stappen gebruiken.' : '',
      ),
      h('div', { class: 'rk-decide__buttons' }, note ? asComment : null, forget),
    ];
  }

  /** The status allows the open decision again (it went back): the form can be saved again. */
  markPossible(form) {
    delete form.dataset.impossible;
    const submit = form.querySelector(':scope > .rk-decide__buttons > button[type="submit"]');
    if (submit) submit.hidden = false;
    const box = form.querySelector('.rk-conflict');
    box.replaceChildren();
    box.hidden = true;
  }

  /** Posts the text of a decision that can no longer be taken as an internal comment. */
  async postAsComment(form, to, button) {
    const text = form.elements.note?.value.trim() ?? '';
    if (!text) return;
    clearFieldErrors(form);
    clearFormError(form);
    if (characterCount(text) > NOTE_LIMIT) {
      setFieldError(form, 'note', tooLongMessage(text, NOTE_LIMIT));
      form.elements.note.focus();
      return;
    }
    button.disabled = true;
    try {
      const res = await api('POST', `/api/v1/reports/${encodeURIComponent(this.report.id)}/comments`, { body: { body: text, visibility: 'internal' } });
      dropDraft(this.report.id, to);
      this.closePanel({ focusOpener: false });
      this.render();
      this.element.querySelector('.rk-decide__button')?.focus();
      announce('Uw tekst is als interne opmerking geplaatst.');
      this.options.onCommented?.(res.data ?? {});
    } catch (err) {
      if (err instanceof ApiError && err.status === 422) {
        showFormError(form, 'De opmerking kon niet worden geplaatst.', Object.entries(err.fields).map(([name, english]) => fieldMessage(name === 'body' ? 'note' : name, String(english ?? ''))));
        errorBox(form).setAttribute('tabindex', '-1');
        errorBox(form).focus();
      } else this.showError(form, err);
    } finally {
      button.disabled = false;
    }
  }

  showError(form, err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) return; // on the way to the login page
    if (err.status === 422) {
      const first = showFieldErrors(form, err.fields, (rest) => {
        if (rest.length || !Object.keys(err.fields).length) showFormError(form, err.dutch, rest);
      });
      (first ?? errorBox(form)).focus?.();
      if (!first) errorBox(form).setAttribute('tabindex', '-1');
      if (!first) errorBox(form).focus();
      return;
    }
    showFormError(form, err.dutch);
    errorBox(form).setAttribute('tabindex', '-1');
    errorBox(form).focus();
  }

  /** 412: load the report again, say what changed, and offer to save one's own change again. */
  async showConflict(form, info) {
    const m = this.meta;
    const before = this.report;
    let fresh;
    try {
      const res = await api('GET', `/api/v1/reports/${encodeURIComponent(before.id)}`);
      fresh = res.data;
      if (fresh.version === undefined || fresh.version === null) fresh.version = versionFromEtag(res.etag);
    } catch (err) {
      this.showError(form, err);
      return;
    }
    if (!isNewer(this.current, fresh)) this.current = fresh;
    // The earlier attempt, whose answer never came, was saved after all.
    if (this.unconfirmed && this.confirms(fresh, before)) {
      this.options.onFresh?.(fresh);
      this.savedAfterAll(fresh);
      return;
    }
    // From here on the user's change applies to the new version. Fields the user left alone
    // show the new values (and are not sent).
    this.report = fresh;
    if (form.baseline) {
      for (const name of Object.keys(form.baseline)) {
        const el = form.elements[name];
        if (!el || el.value.trim() !== form.baseline[name]) continue;
        const now = fresh[name] ?? '';
        if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === now)) {
          const label = name === 'priority' ? (now ? priorityLabel(m, now) : 'Nog geen prioriteit') : now ? departmentLabel(m, now) : 'Nog niet bekend';
          el.append(h('option', { value: now }, label));
        }
        el.value = now;
        form.baseline[name] = now;
      }
    }
    this.options.onFresh?.(fresh);
    // The buttons offer what the new status allows.
    this.renderActions();
    this.notice?.replaceChildren();

    const changes = changesBetween(m, before, fresh);
    const { events, names, own } = changedBy(before, fresh);
    const who = names.length ? names.map(actorLabel).join(' en ') : 'iemand anders';
    const stillAllowed = info.kind !== 'status' || transitionsFrom(m, fresh.status).includes(info.to);
    const titleId = uid('rk-conflict-title');
    const box = form.querySelector('.rk-conflict');
    const redo = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => form.requestSubmit() }, 'Mijn wijziging opnieuw opslaan');
    const forget = h(
      'button',
      {
        type: 'button',
        class: 'utrecht-button utrecht-button--secondary-action',
        onclick: () => {
          // Explicitly thrown away: nothing of it is kept.
          if (info.kind === 'status') dropDraft(this.report.id, info.to);
          this.closePanel({ focusOpener: false });
          this.render();
          this.element.querySelector('.rk-decide__button')?.focus();
        },
      },
      'Mijn wijziging vergeten',
    );
    if (stillAllowed) delete form.dataset.impossible;
    else form.dataset.impossible = fresh.status;
    box.replaceChildren(
      h(
        'div',
        { class: 'utrecht-alert utrecht-alert--warning rk-alert rk-conflict__alert', role: 'alert', 'aria-labelledby': titleId },
        h(
          'div',
          { class: 'utrecht-alert__content' },
          h(
            'div',
            { class: 'utrecht-alert__message' },
            h('p', { class: 'utrecht-paragraph rk-alert__title', id: titleId, tabindex: '-1' }, own ? 'U had deze melding intussen zelf gewijzigd' : 'Iemand anders was u voor'),
            h(
              'p',
              { class: 'utrecht-paragraph' },
              own
                ? 'Deze melding is door uzelf gewijzigd (misschien in een ander tabblad of venster), nadat u dit formulier opende. Wat u hier invulde, is daarom niet opgeslagen; het staat er nog.'
                : `Deze melding is gewijzigd door ${who}, nadat u hem opende. Uw wijziging is daarom niet opgeslagen; wat u invulde, staat er nog.`,
            ),
            h('p', { class: 'utrecht-paragraph rk-conflict__subtitle' }, 'Dit is er intussen veranderd:'),
            h(
              'ul',
              { class: 'utrecht-unordered-list rk-conflict__changes' },
              changes.map((line) => h('li', { class: 'utrecht-unordered-list__item' }, line)),
              events.map((ev) => {
                const note = eventText(ev);
                return h(
                  'li',
                  { class: 'utrecht-unordered-list__item' },
                  userText(actorLabel(ev.actor)),
                  ', ',
                  timeElement(ev.at, formatDateTime(ev.at)),
                  `: ${describeEvent(m, ev)}`,
                  note ? h('span', { class: 'rk-conflict__note' }, ' – ‘', userText(note), '’') : null,
                );
              }),
              changes.length || events.length ? null : h('li', { class: 'utrecht-unordered-list__item' }, 'Er is een nieuwere versie opgeslagen.'),
            ),
            stillAllowed
              ? [
                  h('p', { class: 'utrecht-paragraph' }, 'Wilt u uw eigen wijziging toch opslaan? Die gaat dan uit van de nieuwe versie hierboven.'),
                  h('div', { class: 'rk-decide__buttons' }, redo, forget),
                ]
              : this.impossibleParts(form, info.to, { names, own, from: before.status, fresh }),
          ),
        ),
      ),
    );
    box.hidden = false;
    // A change that is no longer possible cannot be saved from this form either.
    const submit = form.querySelector(':scope > .rk-decide__buttons > button[type="submit"]');
    if (submit) submit.hidden = !stillAllowed;
    box.querySelector(`#${CSS.escape(titleId)}`).focus();
  }
}

// ------------------------------------------------------------------------------ helpers

/** Whether version `a` is newer than version `b` (versions count up). */
function isNewer(a, b) {
  const x = Number(a?.version);
  const y = Number(b?.version);
  if (Number.isFinite(x) && Number.isFinite(y)) return x > y;
  return String(a?.version) !== String(b?.version);
}

/** "Afwijzen" → the key of a button in the row: the step it takes, or 'assign'. */
function actionKey(button) {
  return button.dataset.to ?? 'assign';
}

/** History events of `fresh` that `before` did not have yet (not the report's creation). */
export function eventsSince(before, fresh) {
  const history = (fresh?.history ?? []).filter((ev) => ev.type !== 'created');
  // Events carry increasing ids; a list item has no history, then its time decides.
  const seen = Array.isArray(before?.history) ? before.history.map((ev) => Number(ev.id)).filter(Number.isFinite) : [];
  if (seen.length) {
    const last = Math.max(...seen);
    return history.filter((ev) => Number(ev.id) > last);
  }
  const since = before?.updated_at ?? '';
  return history.filter((ev) => (ev.at ?? '') > since);
}

/**
 * Who changed the report between two versions: {events, names (usernames, `reporter`), own:
 * every change was made by the logged-in member}.
 */
export function changedBy(before, fresh) {
  const events = eventsSince(before, fresh);
  const names = [...new Set(events.map((ev) => ev.actor ?? ''))];
  const me = currentUser();
  return { events, names, own: Boolean(me) && names.length > 0 && names.every((n) => n === me) };
}

/** "anna", "anna en de melder", or "iemand anders" when the history does not say. */
function whoNodes(names) {
  if (!names.length) return 'iemand anders';
  const out = [];
  names.forEach((name, i) => {
    if (i > 0) out.push(' en ');
    out.push(name && name !== 'reporter' && name !== 'system' ? userText(name) : actorLabel(name));
  });
  return out;
}
