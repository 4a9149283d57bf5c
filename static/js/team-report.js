// One report for the team, /team/reports/{id}: everything the reporter wrote (and who they
// are, when the API shows that to this role), the decision controls, similar reports (to
// spot duplicates), comments (internal or for the reporter) with the reporter's replies, and
// the whole history. Changes by others arrive live and never replace a form being filled in.

import {
  actorLabel,
  announce,
  api,
  ApiError,
  canChange,
  categoryLabel,
  clearPageAlert,
  departmentLabel,
  guardUnsentText,
  h,
  isolated,
  meta as loadMeta,
  outcomeLabel,
  priorityLabel,
  session,
  setupLogout,
  showPageAlert,
  slowAnswerAlert,
  statusBadge,
  subscribe,
  timeElement,
  uid,
  userText,
  versionFromEtag,
  watchOtherTabs,
  whenSlow,
} from './api.js';
import { attachCounter } from './forms.js';
import { changedBy, clearFieldErrors, Decisions, describeEvent, eventText, referenceOf, rememberAssignee, rememberReports, setFieldError, showFieldErrors, tooLongMessage, transitionsFrom } from './decide.js';

const main = document.getElementById('inhoud');
const REPORT_ID = main.dataset.reportId;
const container = document.getElementById('rk-report');
const titleEl = document.getElementById('rk-report-title');
const COMMENT_LIMIT = 5000;

const state = {
  meta: null,
  report: null,
  decisions: null,
  parts: null,
  commentForm: null,
  ownVersions: new Set(), // versions this page made itself: their live updates are not announced
  ownAction: Promise.resolve(), // the comment being posted, if any
};

// Back to the list as it was left in this tab (team.js keeps its address: week, filters,
// search); without it, or opened in a new tab, this week's queue.
try {
  const back = document.getElementById('rk-back');
  const listAddress = sessionStorage.getItem('rk-team-list');
  if (back && listAddress && /^\/team(\?[^#]*)?$/.test(listAddress)) back.href = listAddress;
} catch {
  // No storage (a privacy setting): the link keeps /team.
}

function reportHref(id) {
  const n = Number(id);
  return Number.isSafeInteger(n) && n > 0 ? `/team/reports/${n}` : '/team';
}

async function fetchReport() {
  const res = await api('GET', `/api/v1/reports/${encodeURIComponent(REPORT_ID)}`);
  const report = res.data;
  if (report.version === undefined || report.version === null) report.version = versionFromEtag(res.etag);
  // The report it duplicates, and the ones its history names, by their reference (not their id).
  const ids = new Set((report.history ?? []).map((ev) => ev.duplicate_of ?? (ev.type === 'duplicate_of' ? ev.to : null)));
  ids.add(report.duplicate_of);
  await Promise.all(
    [...ids]
      .filter((id) => id !== null && id !== undefined && referenceOf(id).startsWith('melding '))
      .slice(0, 10)
      .map((id) =>
        api('GET', `/api/v1/reports/${encodeURIComponent(id)}`)
          .then((r) => rememberReports([r.data]))
          .catch(() => {}),
      ),
  );
  return report;
}

// ------------------------------------------------------------------------------ parts of the page

function fact(key, ...value) {
  return h(
    'div',
    { class: 'utrecht-data-list__item rk-facts__item' },
    h('dt', { class: 'utrecht-data-list__item-key' }, key),
    h('dd', { class: 'utrecht-data-list__item-value utrecht-data-list__item-value--html-dd' }, ...value),
  );
}

function renderFacts(r) {
  const m = state.meta;
  const none = (text) => h('span', { class: 'rk-muted' }, text);
  return h(
    'dl',
    { class: 'utrecht-data-list rk-facts' },
    fact('Kenmerk', r.reference),
    fact('Status', statusBadge(m, r.status)),
    r.outcome ? fact('Uitkomst', outcomeLabel(m, r.outcome)) : null,
    r.duplicate_of ? fact('Dubbel van', h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(r.duplicate_of) }, referenceOf(r.duplicate_of))) : null,
    fact('Prioriteit', r.priority ? priorityLabel(m, r.priority) : none('Nog niet bepaald')),
    fact('Toegewezen aan', r.assignee ? userText(r.assignee) : none('Nog niemand')),
    fact('Dienst die over de regel gaat', r.owner_department ? departmentLabel(m, r.owner_department) : none('Nog niet bekend')),
    fact('Dienst van de melder', departmentLabel(m, r.department)),
    fact('Categorie', categoryLabel(m, r.category)),
    fact('Ontvangen', timeElement(r.created_at)),
    fact('Laatst bijgewerkt', timeElement(r.updated_at)),
  );
}

function textBlock(label, text, emptyText) {
  return h(
    'div',
    { class: 'rk-text-block' },
    h('h3', { class: 'utrecht-heading-3' }, label),
    text ? h('p', { class: 'utrecht-paragraph rk-prewrap', dir: 'auto' }, text) : h('p', { class: 'utrecht-paragraph rk-muted' }, emptyText),
  );
}

function renderWritten(r) {
  return [
    textBlock('Procedure, regel, formulier of systeem', r.procedure, 'Niet ingevuld.'),
    textBlock('Wat gaat er mis?', r.description, 'Niet ingevuld.'),
    textBlock('Wat merken inwoners of ondernemers hiervan?', r.impact, 'Niet ingevuld.'),
    textBlock('Idee voor een oplossing', r.suggestion, 'Niet ingevuld.'),
  ];
}

/** Reporter identity only when the API returned it (triagers and admins, not managers). */
function renderReporter(r) {
  if (!('reporter_name' in r) && !('reporter_email' in r)) return null;
  const name = r.reporter_name || '';
  const email = r.reporter_email || '';
  const identity = r.reporter_identity || '';
  if (!name && !email && !identity) return h('p', { class: 'utrecht-paragraph' }, 'Anoniem gemeld: de melder heeft geen naam of e-mailadres opgegeven.');
  return h(
    'dl',
    { class: 'utrecht-data-list rk-facts' },
    name ? fact('Naam', userText(name)) : null,
    email ? fact('E-mailadres', h('a', { class: 'utrecht-link utrecht-link--html-a', href: `mailto:${encodeURIComponent(email).replace(/%40/g, '@')}` }, userText(email))) : null,
    identity ? fact('Ingelogd als (intranet)', userText(identity)) : null,
  );
}

function similarOf(r) {
  const list = r.similar ?? r.similar_reports ?? r.related ?? [];
  return Array.isArray(list) ? list.slice(0, 5) : [];
}

function renderSimilar(r) {
  const m = state.meta;
  const list = similarOf(r);
  rememberReports(list);
  if (list.length === 0) return h('p', { class: 'utrecht-paragraph rk-muted' }, 'Geen vergelijkbare meldingen gevonden.');
  const mayMarkDuplicate = canChange() && transitionsFrom(m, r.status).includes('duplicate');
  return h(
    'ul',
    { class: 'rk-similar__list' },
    list.map((s) =>
      h(
        'li',
        { class: 'rk-similar__item' },
        h('a', { class: 'utrecht-link utrecht-link--html-a', href: reportHref(s.id) }, h('span', { class: 'rk-ref' }, s.reference ?? `melding ${s.id}`), ' ', userText(s.title ?? '')),
        ' ',
        s.status ? statusBadge(m, s.status) : null,
        mayMarkDuplicate && String(s.id) !== String(r.id) && s.status !== 'duplicate'
          ? h(
              'button',
              {
                type: 'button',
                class: 'utrecht-button utrecht-button--secondary-action rk-button--small rk-similar__mark',
                onclick: (e) => {
                  state.decisions.openStatus('duplicate', e.currentTarget, { duplicate: s.reference ?? String(s.id) });
                  document.getElementById('besluit')?.scrollIntoView({ block: 'nearest' });
                },
              },
              'Markeer als dubbel hiervan',
              h('span', { class: 'rk-visually-hidden' }, ` (${s.reference ?? s.id})`),
            )
          : null,
      ),
    ),
  );
}

/**
 * The conversation as the reporter's tracking page has it, and the internal comments: comments
 * (the reporter's replies are comments by `reporter`) and the notes of the team's status
 * decisions, which the reporter reads too. Oldest first; on the same second, in history order.
 */
function messagesOf(r) {
  const comments = (r.comments ?? []).map((c) => {
    const actor = c.actor ?? c.author;
    return {
      kind: actor === 'reporter' ? 'reply' : 'comment',
      id: c.id,
      at: c.at ?? c.created_at,
      actor,
      body: c.body ?? '',
      visibility: c.visibility,
    };
  });
  const m = state.meta;
  const decisions = (r.history ?? [])
    .filter((ev) => ev.type === 'status' && ev.actor !== 'reporter' && eventText(ev))
    .map((ev) => ({ kind: 'decision', at: ev.at, actor: ev.actor, body: eventText(ev), what: describeEvent(m, ev) }));
  const order = { decision: 0, comment: 1, reply: 1 };
  return [...comments, ...decisions].sort((a, b) => {
    if ((a.at ?? '') !== (b.at ?? '')) return (a.at ?? '') < (b.at ?? '') ? -1 : 1;
    return order[a.kind] - order[b.kind];
  });
}

function renderMessages(r) {
  const list = messagesOf(r);
  if (list.length === 0) return h('p', { class: 'utrecht-paragraph rk-muted' }, 'Nog geen opmerkingen.');
  return h(
    'ol',
    { class: 'rk-comments__list' },
    list.map((c) => {
      const badge =
        c.kind === 'reply'
          ? h('span', { class: 'rk-badge rk-badge--reply' }, 'Aanvulling van de melder')
          : c.kind === 'decision' || c.visibility === 'reporter'
            ? h('span', { class: 'rk-badge rk-badge--public' }, 'Zichtbaar voor de melder')
            : h('span', { class: 'rk-badge' }, 'Intern');
      return h(
        'li',
        { class: `rk-comment rk-comment--${c.kind}`, dataset: c.id !== undefined && c.id !== null ? { commentId: String(c.id) } : {} },
        h('p', { class: 'utrecht-paragraph rk-comment__meta' }, h('strong', {}, userText(actorLabel(c.actor))), ' · ', timeElement(c.at), ' ', badge),
        c.kind === 'decision' ? h('p', { class: 'utrecht-paragraph rk-comment__what' }, `Toelichting bij het besluit: ${c.what}`) : null,
        h('p', { class: 'utrecht-paragraph rk-prewrap rk-comment__body', dir: 'auto' }, c.body),
      );
    }),
  );
}

function renderHistory(r) {
  const m = state.meta;
  const events = [...(r.history ?? [])].sort((a, b) => ((a.at ?? '') < (b.at ?? '') ? -1 : 1));
  if (events.length === 0) return h('p', { class: 'utrecht-paragraph rk-muted' }, 'Nog geen geschiedenis.');
  return h(
    'ol',
    { class: 'rk-history__list' },
    events.map((ev) => {
      const note = eventText(ev);
      return h(
        'li',
        { class: `rk-history__item rk-history__item--${/^[a-z_]+$/.test(ev.type ?? '') ? ev.type : 'other'}` },
        h('p', { class: 'utrecht-paragraph rk-history__what' }, describeEvent(m, ev)),
        h('p', { class: 'utrecht-paragraph rk-history__meta' }, timeElement(ev.at), ' · ', userText(actorLabel(ev.actor))),
        note ? h('p', { class: 'utrecht-paragraph rk-prewrap rk-history__note', dir: 'auto' }, note) : null,
      );
    }),
  );
}

function section(id, title, ...content) {
  return h('section', { class: `rk-section rk-report-section rk-report-section--${id}`, id, 'aria-labelledby': `${id}-titel` }, h('h2', { class: 'utrecht-heading-2', id: `${id}-titel` }, title), ...content);
}

// ------------------------------------------------------------------------------ the comment form

// What one types is kept in this tab (sessionStorage) until it is posted: when the session has
// ended meanwhile, the page goes to /login and back, and the comment is there again.
const DRAFT_KEY = `rk-comment-draft:${REPORT_ID}`;

function saveDraft(form) {
  try {
    const body = form.elements.body.value;
    if (body.trim()) sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ body, visibility: form.elements.visibility.value || 'internal' }));
    else sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // Storage off or full: the comment form works as before, without the safety net.
  }
}

function takeDraft() {
  try {
    const draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null');
    return draft && typeof draft.body === 'string' && draft.body.trim() ? draft : null;
  } catch {
    return null;
  }
}

function dropDraft() {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // nothing kept
  }
}

function buildCommentForm() {
  const base = uid('rk-comment');
  const textarea = h('textarea', {
    class: 'utrecht-textarea utrecht-textarea--html-textarea rk-input',
    id: `${base}-body`,
    name: 'body',
    rows: '4',
    'aria-required': 'true',
    'aria-describedby': `${base}-body-description`,
  });
  const radio = (value, label, checked) => {
    const id = `${base}-${value}`;
    return h(
      'div',
      { class: 'utrecht-form-field utrecht-form-field--radio rk-radio' },
      h('input', { class: 'utrecht-radio-button utrecht-radio-button--html-input', type: 'radio', id, name: 'visibility', value, checked }),
      h('label', { class: 'utrecht-form-label utrecht-form-label--radio', for: id }, label),
    );
  };
  const form = h(
    'form',
    { class: 'utrecht-form rk-form rk-comment-form', novalidate: true, 'aria-labelledby': `${base}-title` },
    h('h3', { class: 'utrecht-heading-3', id: `${base}-title` }, 'Opmerking toevoegen'),
    h('div', { class: 'utrecht-alert utrecht-alert--error rk-form-error', role: 'alert', hidden: true }),
    h(
      'div',
      { class: 'utrecht-form-field utrecht-form-field--textarea rk-field rk-field--compact', dataset: { rkField: 'body' } },
      h('div', { class: 'utrecht-form-field__label' }, h('label', { class: 'utrecht-form-label', for: textarea.id }, 'Opmerking ', h('span', { class: 'rk-required' }, '(verplicht)'))),
      h('div', { class: 'utrecht-form-field-description utrecht-form-field__description', id: `${base}-body-description` }, 'Maximaal 5.000 tekens.'),
      h('div', { class: 'utrecht-form-field__input' }, textarea),
    ),
    h(
      'fieldset',
      { class: 'utrecht-form-fieldset utrecht-form-fieldset--html-fieldset rk-fieldset rk-fieldset--compact', dataset: { rkField: 'visibility' } },
      h('legend', { class: 'utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend rk-legend rk-legend--small' }, 'Wie mag dit lezen?'),
      radio('internal', 'Alleen het team (intern)', true),
      radio('reporter', 'Ook de melder, via de volglink', false),
    ),
    h('div', { class: 'rk-decide__buttons' }, h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, 'Opmerking plaatsen')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitComment(form);
  });
  form.addEventListener('input', () => saveDraft(form));
  form.addEventListener('change', () => saveDraft(form));
  const draft = takeDraft();
  form.restored = Boolean(draft);
  if (draft) {
    textarea.value = draft.body;
    const radio = form.querySelector(`input[name="visibility"][value="${draft.visibility === 'reporter' ? 'reporter' : 'internal'}"]`);
    if (radio) radio.checked = true;
    form.querySelector('.rk-form-error').after(
      h('p', { class: 'utrecht-paragraph rk-draft-note', id: `${base}-draft` }, 'Uw opmerking van daarnet is bewaard, maar nog niet geplaatst. Controleer hem en kies ‘Opmerking plaatsen’.'),
    );
  }
  // The same counter as on the reporter's pages.
  attachCounter(textarea, COMMENT_LIMIT);
  return form;
}

function formError(form, text) {
  const box = form.querySelector('.rk-form-error');
  if (!text) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(h('p', { class: 'utrecht-paragraph rk-alert__title' }, text));
  box.hidden = false;
  box.setAttribute('tabindex', '-1');
  box.focus();
}

async function submitComment(form) {
  clearFieldErrors(form);
  formError(form, null);
  const body = form.elements.body.value.trim();
  const visibility = form.elements.visibility.value || 'internal';
  if (!body) {
    setFieldError(form, 'body', 'Schrijf eerst uw opmerking.');
    form.elements.body.focus();
    return;
  }
  if ([...body].length > COMMENT_LIMIT) {
    setFieldError(form, 'body', tooLongMessage(body, COMMENT_LIMIT));
    form.elements.body.focus();
    return;
  }
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  // No answer for a while: say so, without sending again (the typed text stays kept in this tab).
  form.querySelector('.rk-slow')?.remove();
  const done = whenSlow(() => form.querySelector(':scope > .rk-decide__buttons')?.before(slowAnswerAlert('Uw opmerking', true)));
  try {
    // The comment makes a new version of the report; its live update must not be announced
    // as someone else's change, even when it arrives before this answer.
    const posted = api('POST', `/api/v1/reports/${encodeURIComponent(REPORT_ID)}/comments`, { body: { body, visibility } }).then((res) => {
      state.ownVersions.add(String(res.data?.report?.version));
      return res;
    });
    state.ownAction = posted.catch(() => {});
    const res = await posted;
    dropDraft();
    form.querySelector('.rk-draft-note')?.remove();
    form.elements.body.value = '';
    form.elements.body.dispatchEvent(new Event('input', { bubbles: true })); // (the counter)
    // Each comment is internal unless chosen otherwise: the next one does not go to the
    // reporter because this one did.
    form.querySelector('input[name="visibility"][value="internal"]').checked = true;
    await refresh();
    focusComment(form, res.data?.id);
    announce(
      visibility === 'reporter'
        ? 'Opmerking geplaatst; de melder kan hem lezen. Een volgende opmerking is weer alleen voor het team, tenzij u anders kiest.'
        : 'Interne opmerking geplaatst.',
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) return;
    if (err.status === 422) {
      const first = showFieldErrors(form, err.fields, (rest) => rest.length && formError(form, rest.join(' ')));
      first?.focus();
    } else formError(form, err.dutch);
  } finally {
    done();
    form.querySelector('.rk-slow')?.remove();
    submit.disabled = false;
  }
}

/** After posting: the focus goes to the new comment (or, if it is not shown yet, to the form). */
function focusComment(form, id) {
  const li = id === undefined || id === null ? null : state.parts?.messages.querySelector(`[data-comment-id="${CSS.escape(String(id))}"]`);
  const target = li ?? form.querySelector('h3');
  target.setAttribute('tabindex', '-1');
  target.focus();
}

// ------------------------------------------------------------------------------ rendering

function setTitle(r) {
  // rk-nowrap: the reference stays whole, except on a narrow screen (320 px, text spacing) where
  // it may wrap rather than make the page scroll sideways (rodeknop.css, as on /volg).
  titleEl.replaceChildren(h('span', { class: 'rk-nowrap' }, r.reference), ' ', userText(r.title));
  document.title = `${r.reference}: ${isolated(r.title)} – Ontregelteam – Rode Knop`;
}

/** Replaces the content of a part, unless the focus is inside it (then the next refresh does). */
function fill(el, ...children) {
  if (el.contains(document.activeElement) && document.activeElement !== el) return;
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

function build(r) {
  const parts = {
    facts: h('div', { class: 'rk-report-facts' }),
    written: h('div', { class: 'rk-written' }),
    reporter: h('div', { class: 'rk-reporter' }),
    similar: h('div', { class: 'rk-similar' }),
    messages: h('div', { class: 'rk-comments' }),
    history: h('div', { class: 'rk-history' }),
  };
  state.parts = parts;
  state.decisions = new Decisions(r, {
    meta: state.meta,
    canChange: canChange(),
    name: r.reference,
    onSaved: (updated, info) => {
      state.ownVersions.add(String(updated.version));
      announce(savedText(info));
      refresh().then(() => {
        if (!info.quiet) document.getElementById('besluit-titel')?.focus();
      });
    },
    onFresh: (fresh) => show(fresh, { keepDecisions: true }),
    // The text of a decision that could no longer be taken, posted as a comment.
    onCommented: (comment) => {
      if (comment.report?.version !== undefined) state.ownVersions.add(String(comment.report.version));
      refresh();
    },
  });
  state.commentForm = canChange() ? buildCommentForm() : null;
  const sections = [parts.facts];
  if (canChange()) {
    sections.push(
      section(
        'besluit',
        'Besluit',
        h('p', { class: 'utrecht-paragraph rk-section__intro' }, 'Kies wat er met de melding gebeurt. U ziet alleen de stappen die vanuit de huidige status mogen.'),
        state.decisions.element,
      ),
    );
  }
  sections.push(section('melding', 'Wat de melder schreef', parts.written));
  if ('reporter_name' in r || 'reporter_email' in r) sections.push(section('melder', 'Melder', parts.reporter));
  sections.push(section('vergelijkbaar', 'Vergelijkbare meldingen', h('p', { class: 'utrecht-paragraph rk-section__intro' }, 'Meldingen met een vergelijkbare tekst: misschien is dit een dubbele melding.'), parts.similar));
  sections.push(section('opmerkingen', 'Opmerkingen en aanvullingen', parts.messages, state.commentForm));
  sections.push(section('geschiedenis', 'Geschiedenis', parts.history));
  container.replaceChildren(...sections);
  document.getElementById('besluit-titel')?.setAttribute('tabindex', '-1');
}

function show(r, { keepDecisions = false } = {}) {
  state.report = r;
  setTitle(r);
  const p = state.parts;
  fill(p.facts, renderFacts(r));
  fill(p.written, renderWritten(r));
  fill(p.reporter, renderReporter(r));
  fill(p.similar, renderSimilar(r));
  fill(p.messages, renderMessages(r));
  fill(p.history, renderHistory(r));
  if (!keepDecisions) state.decisions.update(r);
}

async function refresh() {
  try {
    show(await fetchReport());
  } catch (err) {
    if (err instanceof ApiError && err.status !== 401) showPageAlert('De melding kon niet worden bijgewerkt', err.dutch, { focus: false });
  }
}

function notFound() {
  titleEl.textContent = 'Melding niet gevonden';
  document.title = 'Melding niet gevonden – Ontregelteam – Rode Knop';
  container.replaceChildren(h('p', { class: 'utrecht-paragraph' }, 'Er is geen melding met dit nummer. Misschien is het adres niet compleet. Ga terug naar het weekoverleg en kies de melding daar.'));
}

async function load() {
  clearPageAlert();
  try {
    const [m, me, r] = await Promise.all([loadMeta(), session(), fetchReport()]);
    state.meta = m;
    rememberAssignee(me?.username);
    rememberReports([r]);
    build(r);
    show(r);
    container.setAttribute('aria-busy', 'false');
    const decision = state.decisions?.restoreDraft({ focus: false }) ?? false;
    tellRestored(decision, Boolean(state.commentForm?.restored));
  } catch (err) {
    container.setAttribute('aria-busy', 'false');
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) return;
    if (err.status === 404) {
      notFound();
      return;
    }
    container.replaceChildren();
    showPageAlert('De melding kon niet worden geladen', err.dutch, {
      actions: [h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: load }, 'Opnieuw proberen')],
    });
    return;
  }
  subscribe((type, data) => {
    if (type === 'resync') {
      refresh();
      return;
    }
    if (type !== 'report.updated' || String(data.id) !== String(REPORT_ID)) return;
    if (data.version !== undefined && String(data.version) === String(state.report?.version)) return;
    fetchReport()
      .then((fresh) => {
        const before = state.report;
        if (String(fresh.version) === String(before?.version)) return;
        show(fresh);
        return state.ownAction.then(() => {
          if (state.ownVersions.has(String(fresh.version))) return;
          // (one's own change from another tab, or one whose answer got lost, is not someone else's)
          if (changedBy(before, fresh).own) announce(`U heeft deze melding zelf bijgewerkt (status: ${statusLabelShort(fresh)}).`);
          else announce(`Deze melding is zojuist bijgewerkt (status: ${statusLabelShort(fresh)}).`);
        });
      })
      .catch(() => {});
  });
}

/**
 * What was being written and not yet saved (the session ended, the page was reloaded) is back
 * in its form; the page says so at the top and offers to go there.
 */
function tellRestored(decision, comment) {
  if (!decision && !comment) return;
  const what = decision && comment ? 'Uw besluit en uw opmerking van daarnet zijn' : decision ? 'Uw besluit van daarnet is' : 'Uw opmerking van daarnet is';
  const target = decision ? state.decisions.panel : state.commentForm;
  const go = h(
    'button',
    {
      type: 'button',
      class: 'utrecht-button utrecht-button--secondary-action',
      onclick: () => {
        target?.scrollIntoView({ block: 'center' });
        target?.querySelector('textarea, input, select')?.focus();
      },
    },
    decision ? 'Naar het besluit' : 'Naar de opmerking',
  );
  showPageAlert('Uw werk is bewaard', `${what} bewaard, maar nog niet opgeslagen. Controleer het en sla het op.`, { kind: 'info', actions: [go] });
}

/** What the page says after saving a decision or an assignment. */
function savedText(info) {
  const status = info.kind === 'status';
  // The server answered with the same version: it had nothing to change and wrote no history.
  if (info.unchanged) return status ? 'Er is niets veranderd: de melding had deze status al.' : 'Er is niets veranderd.';
  // The answer was lost, but the change arrived after all.
  if (info.afterAll) return status ? 'Uw besluit is toch opgeslagen.' : 'Uw wijziging is toch opgeslagen.';
  return status ? 'Besluit opgeslagen.' : 'Toewijzing en prioriteit opgeslagen.';
}

function statusLabelShort(r) {
  return statusBadge(state.meta, r.status).textContent;
}

setupLogout();
watchOtherTabs();
guardUnsentText();
load();
