// The report form at /: the red button takes you to the form, and the form is checked in the
// browser before it is sent (the server checks it again). Without JavaScript the red button is
// a plain link to #melding and the server shows the errors.

import { alertBox, enhanceForms, focusField } from './forms.js';

function enhanceRedButton() {
  const button = document.getElementById('rode-knop');
  if (!button) return;
  button.addEventListener('click', (event) => {
    // Jump to the form and start in its first field, ready to type.
    if (focusField('field-title')) {
      event.preventDefault();
      history.replaceState(null, '', '#melding');
    }
  });
}

// Back from the confirmation, the browser fills the form in again with what was sent: one more
// click would send the same report again (the server recognises the same form by its key, but a
// form loaded anew has a new one). The confirmation page noted what it confirmed
// (volg.js); when the form holds that report again, say so. (The form is not emptied: the
// reporter may want to send a changed version, and then the text is theirs.)
function warnWhenAlreadySent() {
  const form = document.querySelector('form[data-rk-validate]');
  const title = document.getElementById('field-title');
  if (!form || !title) return;
  let sent = null;
  try {
    sent = JSON.parse(window.sessionStorage.getItem('rk-sent-report') ?? 'null');
  } catch {
    return; // no storage (private mode, blocked): no warning
  }
  const shown = form.previousElementSibling?.classList.contains('rk-sent-notice');
  if (!sent || shown || title.value.trim() === '' || title.value.trim() !== sent.title) return;
  const text = document.createElement('p');
  text.className = 'utrecht-paragraph';
  text.textContent =
    `Let op: deze melding heeft u al verstuurd (kenmerk ${sent.reference}). ` +
    'U hoeft hem niet nog eens te versturen.';
  form.before(alertBox('utrecht-alert utrecht-alert--warning rk-alert rk-sent-notice', 'status', text));
}

enhanceForms();
enhanceRedButton();
warnWhenAlreadySent();
window.addEventListener('pageshow', warnWhenAlreadySent);
