// The tracking page /volg/{token}: the reply form is checked in the browser before it is
// sent, and the tracking link can be copied with one button.

import { enhanceForms } from './forms.js';

function enhanceCopyButton() {
  const link = document.getElementById('rk-tracking-link');
  if (!link || !navigator.clipboard || !window.isSecureContext) return;

  const wrapper = document.createElement('div');
  wrapper.className = 'rk-copy';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'utrecht-button utrecht-button--secondary-action';
  button.textContent = 'Kopieer de link';
  const status = document.createElement('p');
  status.className = 'utrecht-paragraph rk-copy__status';
  status.setAttribute('role', 'status');
  wrapper.append(button, status);
  link.closest('p')?.after(wrapper);

  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link.href);
      status.textContent = 'De link is gekopieerd.';
    } catch {
      status.textContent = 'Kopiëren lukte niet. Selecteer de link en kopieer hem zelf.';
    }
  });
}

// What this confirmation confirmed, for the form page to recognise when Back brings the same
// report back into it (report-form.js). Only the title and reference, only in this tab.
function rememberConfirmed() {
  const reference = document.getElementById('rk-reference')?.textContent.trim();
  const title = document.querySelector('.rk-facts__title')?.textContent.trim();
  if (!reference || !title) return;
  try {
    window.sessionStorage.setItem('rk-sent-report', JSON.stringify({ reference, title }));
  } catch {
    // No storage: no warning on the form later, nothing else.
  }
}

// `?ontvangen=1` and `?reactie=verzonden` only say what just happened: drop them from the
// address, so that a bookmark (the page asks for one) is the plain tracking link.
function cleanAddress() {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('ontvangen') && !url.searchParams.has('reactie')) return;
  rememberConfirmed();
  url.searchParams.delete('ontvangen');
  url.searchParams.delete('reactie');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

enhanceForms();
enhanceCopyButton();
cleanAddress();
