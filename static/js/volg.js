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

enhanceForms();
enhanceCopyButton();
