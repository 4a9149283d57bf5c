// The report form at /: the red button takes you to the form, and the form is checked in the
// browser before it is sent (the server checks it again). Without JavaScript the red button is
// a plain link to #melding and the server shows the errors.

import { enhanceForms, focusField } from './forms.js';

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

enhanceForms();
enhanceRedButton();
