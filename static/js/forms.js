// Progressive enhancement for the forms of Rode Knop: client-side validation with the same
// rules and Dutch messages as the server, an error summary that takes the focus, inline
// messages, and character counters. Without JavaScript the server does all of this.
//
// The markup carries the rules (see static/templates/index.html):
//   <form novalidate data-rk-validate>
//     <div class="utrecht-form-field" data-rk-field="NAME">
//       … <input id="field-NAME" aria-required="true" data-rk-maxlength="200"
//                data-rk-required-message="…" [data-rk-multiline] [data-rk-email]
//                aria-describedby="field-NAME-description">
//
// Text from the page is only ever inserted with textContent.

const SUMMARY_ID = 'rk-error-summary';
const TOO_LONG = (limit) => `Dit veld mag maximaal ${new Intl.NumberFormat('nl-NL').format(limit)} tekens bevatten.`;
const INVALID_EMAIL = 'Vul een geldig e-mailadres in, bijvoorbeeld naam@denhaag.nl.';
const INVALID_TEXT = 'Dit veld bevat tekens die niet zijn toegestaan.';
const REQUIRED = 'Vul dit veld in.';
const ERROR_PREFIX = 'Fout: ';

const numberFormat = new Intl.NumberFormat('nl-NL');

/** Length in characters (Unicode code points), as the server counts. */
export function characterCount(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** The server trims white space at both ends and turns CRLF and CR into LF. */
export function normalise(text) {
  return text.replace(/\r\n?/g, '\n').replace(/^[ \t\n\v\f]+|[ \t\n\v\f]+$/g, '');
}

// Control characters other than tab (and newline in multi-line fields) are refused.
function hasForbiddenControls(text, multiline) {
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (c === 0x09) continue;
    if (c === 0x0a) {
      if (!multiline) return true;
      continue;
    }
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The server's pragmatic address check: local@domain, a dot in the domain, sane labels. */
export function isValidEmail(s) {
  if (new TextEncoder().encode(s).length > 254) return false;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at > 64 || at + 1 >= s.length) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  for (const ch of local) {
    const c = ch.codePointAt(0);
    if (c <= 0x20 || c === 0x7f || '@"(),:;<>[]\\'.includes(ch)) return false;
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  if (!domain.includes('.')) return false;
  for (const label of domain.split('.')) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
    for (const ch of label) {
      if (!/[A-Za-z0-9-]/.test(ch) && ch.codePointAt(0) < 0x80) return false;
    }
  }
  return true;
}

// Fields carry aria-required rather than required: the browser's own validation (and the
// :invalid styling it brings) stays out of the way, the server and this script do the checking.
function isRequired(control) {
  return control.required || control.getAttribute('aria-required') === 'true';
}

function limitOf(control) {
  const limit = Number.parseInt(control.dataset.rkMaxlength ?? '', 10);
  return Number.isFinite(limit) && limit > 0 ? limit : null;
}

/** The first problem with one control, as a Dutch message, or null. */
export function problemWith(control) {
  const multiline = control.hasAttribute('data-rk-multiline');
  const value = normalise(control.value);
  if (hasForbiddenControls(value, multiline)) return INVALID_TEXT;
  if (value === '') {
    return isRequired(control) ? control.dataset.rkRequiredMessage || REQUIRED : null;
  }
  const limit = limitOf(control);
  if (limit !== null && characterCount(value) > limit) return TOO_LONG(limit);
  if (control.hasAttribute('data-rk-email') && !isValidEmail(value)) return INVALID_EMAIL;
  return null;
}

function fieldsOf(form) {
  return [...form.querySelectorAll('[data-rk-field]')]
    .map((wrapper) => ({
      name: wrapper.dataset.rkField,
      wrapper,
      control: wrapper.querySelector(`#field-${CSS.escape(wrapper.dataset.rkField)}`),
    }))
    .filter((f) => f.control);
}

function describedBy(control) {
  return (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
}

function setInlineError(field, message) {
  const { name, wrapper, control } = field;
  const errorId = `field-${name}-error`;
  wrapper.querySelector(`#${CSS.escape(errorId)}`)?.remove();
  const ids = describedBy(control).filter((id) => id !== errorId);
  if (message) {
    const p = document.createElement('p');
    p.className = 'utrecht-form-field-error-message utrecht-form-field__error-message';
    p.id = errorId;
    const hidden = document.createElement('span');
    hidden.className = 'rk-visually-hidden';
    hidden.textContent = ERROR_PREFIX;
    p.append(hidden, document.createTextNode(message));
    wrapper.querySelector('.utrecht-form-field__input')?.before(p);
    ids.push(errorId);
    control.setAttribute('aria-invalid', 'true');
    wrapper.classList.add('utrecht-form-field--invalid');
  } else {
    control.removeAttribute('aria-invalid');
    wrapper.classList.remove('utrecht-form-field--invalid');
  }
  if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

/** An NL Design System alert: the box, with the element its message goes into. */
function alertBox(className, role, ...children) {
  const box = document.createElement('div');
  box.className = className;
  box.setAttribute('role', role);
  const content = document.createElement('div');
  content.className = 'utrecht-alert__content';
  const message = document.createElement('div');
  message.className = 'utrecht-alert__message';
  message.append(...children);
  content.append(message);
  box.append(content);
  return box;
}

function buildSummary() {
  const heading = document.createElement('h2');
  heading.className = 'utrecht-heading-2 rk-error-summary__title';
  heading.id = `${SUMMARY_ID}-title`;
  heading.textContent = 'Er is iets niet goed ingevuld';
  const list = document.createElement('ul');
  list.className = 'utrecht-unordered-list rk-error-summary__list';
  const summary = alertBox('utrecht-alert utrecht-alert--error rk-error-summary', 'alert', heading, list);
  summary.id = SUMMARY_ID;
  summary.setAttribute('tabindex', '-1');
  summary.setAttribute('aria-labelledby', `${SUMMARY_ID}-title`);
  return summary;
}

/**
 * In the summary, far from the field, a message that does not say which field it is about
 * ("Dit veld …") starts with the field's label, as the server's summary does.
 */
function summaryText(name, message) {
  if (!/^(Dit veld|Vul dit veld)/.test(message)) return message;
  const label = document.querySelector(`label[for="field-${name}"]`);
  if (!label) return message;
  let text = '';
  for (const node of label.childNodes) if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
  text = text.trim();
  return text ? `${text}: ${message}` : message;
}

function showSummary(errors) {
  let summary = document.getElementById(SUMMARY_ID);
  if (errors.length === 0) {
    summary?.remove();
    return null;
  }
  if (!summary) {
    summary = buildSummary();
    const main = document.querySelector('main') ?? document.body;
    main.prepend(summary);
  }
  const list = summary.querySelector('ul');
  list.replaceChildren(
    ...errors.map(({ name, message }) => {
      const li = document.createElement('li');
      li.className = 'utrecht-unordered-list__item';
      const a = document.createElement('a');
      a.className = 'utrecht-link utrecht-link--html-a';
      a.href = `#field-${name}`;
      a.textContent = summaryText(name, message);
      li.append(a);
      return li;
    }),
  );
  return summary;
}

function setTitlePrefix(hasErrors) {
  const bare = document.title.startsWith(ERROR_PREFIX) ? document.title.slice(ERROR_PREFIX.length) : document.title;
  document.title = hasErrors ? ERROR_PREFIX + bare : bare;
}

/** Validates the whole form, shows the result and returns the problems in form order. */
export function validateForm(form) {
  const errors = [];
  for (const field of fieldsOf(form)) {
    const message = problemWith(field.control);
    setInlineError(field, message);
    if (message) errors.push({ name: field.name, message });
  }
  const summary = showSummary(errors);
  setTitlePrefix(errors.length > 0);
  if (summary) summary.focus();
  return errors;
}

// --------------------------------------------------------------------- character counters

function counterText(count, limit) {
  const left = limit - count;
  if (left >= 0) return `Nog ${numberFormat.format(left)} ${left === 1 ? 'teken' : 'tekens'} over`;
  const over = -left;
  return `${numberFormat.format(over)} ${over === 1 ? 'teken' : 'tekens'} te veel`;
}

/**
 * A live character counter under `control`: "Nog 5.000 tekens over", "10 tekens te veel"; what
 * sighted users see at once, and what screen readers hear when the typing pauses. `idBase`
 * names its two elements. A script that changes the value itself dispatches an `input` event.
 * Used by the report form and the tracking page (data-rk-maxlength) and by the team's note and
 * comment fields (decide.js, team-report.js).
 */
export function attachCounter(control, limit, idBase = control.id) {
  const visible = document.createElement('p');
  visible.className = 'rk-char-count';
  visible.id = `${idBase}-count`;
  visible.setAttribute('aria-hidden', 'true');
  const live = document.createElement('p');
  live.className = 'rk-visually-hidden';
  live.id = `${idBase}-count-live`;
  live.setAttribute('aria-live', 'polite');
  control.after(visible, live);

  let timer = 0;
  const update = (announce) => {
    const count = characterCount(control.value);
    const text = counterText(count, limit);
    visible.textContent = text;
    visible.classList.toggle('rk-char-count--over', count > limit);
    window.clearTimeout(timer);
    if (announce) timer = window.setTimeout(() => (live.textContent = text), 1000);
  };
  control.addEventListener('input', () => update(true));
  update(false);
}

function addCounter(field) {
  const { name, control } = field;
  const limit = limitOf(control);
  if (limit === null || control.hasAttribute('data-rk-no-counter')) return;
  attachCounter(control, limit, `field-${name}`);
}

// ------------------------------------------------------------------------------- wiring

function focusField(id) {
  const control = document.getElementById(id);
  if (!control) return false;
  const wrapper = control.closest('[data-rk-field]') ?? control;
  const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  wrapper.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
  control.focus({ preventScroll: true });
  return true;
}

/** Links in the error summary put the focus in the field and show its label too. */
function enhanceSummaryLinks() {
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest(`#${SUMMARY_ID} a[href^="#field-"]`) : null;
    if (!link) return;
    if (focusField(link.getAttribute('href').slice(1))) event.preventDefault();
  });
}

/** Sets up every form with data-rk-validate on the page. */
export function enhanceForms() {
  enhanceSummaryLinks();
  for (const form of document.querySelectorAll('form[data-rk-validate]')) {
    for (const field of fieldsOf(form)) addCounter(field);
    let sending = false;
    form.addEventListener('submit', (event) => {
      if (sending) {
        event.preventDefault(); // one click, one report
        return;
      }
      const errors = validateForm(form);
      if (errors.length > 0) {
        event.preventDefault();
        return;
      }
      sending = true;
      form.setAttribute('aria-busy', 'true');
    });
    // Coming back with the Back button must not leave the form locked.
    window.addEventListener('pageshow', () => {
      sending = false;
      form.removeAttribute('aria-busy');
    });
  }
}

export { alertBox, focusField };
