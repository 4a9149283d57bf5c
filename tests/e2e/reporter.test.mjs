// The reporter's journey in a real browser against the real server: the red button, the form
// (by keyboard only), the confirmation, the tracking page and a reply; the errors with and
// without JavaScript; and text that must never turn into markup.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  amsterdamYear,
  createReport,
  fetchMeta,
  fetchTracking,
  focused,
  tabTo,
  useServerAndBrowser,
  watchPage,
} from './lib/server.mjs';

const env = useServerAndBrowser();

const REQUIRED_FIELDS = ['title', 'procedure', 'description', 'department', 'category'];
const FORM_ORDER = [
  'title',
  'procedure',
  'description',
  'impact',
  'suggestion',
  'department',
  'category',
  'reporter_name',
  'reporter_email',
];

/** The error summary as [{href, text}], or null when there is none. */
async function errorSummary(page) {
  const summary = page.locator('#rk-error-summary');
  if ((await summary.count()) === 0) return null;
  return summary.locator('a').evaluateAll((links) =>
    links.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })),
  );
}

/** Checks that every summary link leads to a field that is marked invalid with the same message. */
async function assertFieldsMarked(page, entries) {
  for (const { href, text } of entries) {
    const id = href.slice(1);
    const field = page.locator(`#${id}`);
    assert.equal(await field.count(), 1, `the summary links to ${href}, which must exist`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true', `${href} must have aria-invalid="true"`);
    const describedBy = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/);
    assert.ok(describedBy.includes(`${id}-error`), `${href} must be described by its error message`);
    // Next to the field the message stands alone; the summary may name the field first ("Titel: …").
    const inline = (await page.locator(`#${id}-error`).textContent()).trim().replace(/^Fout: /, '');
    assert.ok(inline.length > 0 && text.endsWith(inline), `the message next to ${href} ("${inline}") must be that of the summary ("${text}")`);
  }
}

async function postEmptyFormWithoutJavaScript(browser, baseUrl) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/reports'),
    page.getByRole('button', { name: 'Verstuur melding' }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  return { context, page, response };
}

test('keyboard only: red button, form, confirmation, tracking page and a reply', async () => {
  const { server, browser } = env;
  const meta = await fetchMeta(server.url);
  assert.ok(meta.departments.length >= 1 && meta.categories.length >= 2, 'meta lists departments and categories');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.match(await page.title(), /^Rode knop: meld wat goede dienstverlening in de weg staat/);

  assert.ok(await page.locator('form[action="/api/v1/reports"]').isVisible(), 'the form is shown from the start');

  // The red button is among the first things the keyboard reaches, and shows its focus.
  const path = await tabTo(page, '#rode-knop', 5);
  assert.equal(path[0], 'a"Direct naar de inhoud"', 'the first Tab reaches the skip link');
  const button = page.locator('#rode-knop');
  assert.match(await button.evaluate((el) => el.textContent.replace(/\s+/g, ' ').trim()), /^Rode knop/i);
  const outline = await button.evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth) };
  });
  assert.notEqual(outline.style, 'none', 'the focused red button has a visible outline');
  assert.ok(outline.width >= 2, `the focus outline is at least 2px wide (is ${outline.width}px)`);

  // Enter on the red button puts the focus in the first field of the form.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'field-title');

  const title = `Verhuizing doorgeven kost inwoners drie loketbezoeken ${Date.now()}`;
  const reply = 'Aanvulling: het gaat om het formulier B12.\nDe tweede stap vraagt opnieuw om een ID.';
  const typed = {
    title,
    procedure: 'Adreswijziging doorgeven (formulier B12)',
    description: 'Een inwoner moest drie keer langskomen.\nEerst ontbrak een kopie van het ID.',
    impact: 'Drie keer vrij nemen van het werk.',
    suggestion: 'Accepteer een digitale kopie.',
    reporter_name: 'Karin Testmelder',
    reporter_email: 'karin.testmelder@denhaag.example',
  };

  // Tab walks through the fields in form order; selects are set with the arrow keys.
  for (const [i, name] of FORM_ORDER.entries()) {
    if (i > 0) await page.keyboard.press('Tab');
    assert.equal(await focused(page), `#field-${name}`, `Tab number ${i} reaches the field ${name}`);
    if (name === 'department') {
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#field-department'), meta.departments[0].key);
    } else if (name === 'category') {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#field-category'), meta.categories[1].key);
    } else {
      await page.keyboard.type(typed[name]);
    }
  }
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'button"Verstuur melding"');
  await Promise.all([page.waitForURL(/\/volg\/[^/?#]+(\?ontvangen=1)?$/), page.keyboard.press('Enter')]);

  // The confirmation: reference in large type and the tracking link to keep.
  const token = new URL(page.url()).pathname.split('/').pop();
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Uw melding is ontvangen' }).waitFor());
  const reference = (await page.locator('#rk-reference').textContent()).trim();
  assert.match(reference, new RegExp(`^RK-${amsterdamYear()}-\\d{5,}$`));
  const fontSize = await page.locator('#rk-reference').evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 28, `the reference is in large type (is ${fontSize}px)`);
  const link = page.locator('#rk-tracking-link');
  const href = await link.getAttribute('href');
  assert.equal(new URL(href).pathname, `/volg/${token}`, 'the tracking link leads to this report');
  assert.equal((await link.textContent()).trim(), href, 'the tracking link is shown in full');
  assert.match(await page.locator('main').innerText(), /enige manier/, 'the page says the link is the only way back');
  // The page asks for a bookmark (Ctrl+D): the address is the plain tracking link, so that the
  // bookmark does not say "ontvangen" again weeks later.
  await page.waitForFunction(() => window.location.search === '');
  assert.equal(page.url(), href);

  const tracked = await fetchTracking(server.url, token);
  assert.equal(tracked.reference, reference);
  assert.equal(tracked.title, title);

  // Open the tracking link (keyboard again) and see the status.
  await tabTo(page, '#rk-tracking-link', 30);
  // (The address is already the link's, so wait for the page to load again.)
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.equal(await page.getByText('Uw melding is ontvangen').count(), 0, 'the confirmation is gone');
  assert.equal((await page.locator('h1').textContent()).replace(/\s+/g, ' ').trim(), `Uw melding ${reference}`);
  assert.equal((await page.locator('.rk-facts__title').textContent()).trim(), title);
  assert.equal((await page.locator('#rk-status').textContent()).trim(), 'Nieuw');
  const explanations = await page.locator('.rk-status-help__item').evaluateAll((items) =>
    items.filter((p) => p.checkVisibility()).map((p) => p.dataset.for),
  );
  assert.deepEqual(explanations, ['new'], 'exactly the explanation of the current status shows');
  assert.match(await page.locator('.rk-messages').innerText(), /Nog geen berichten/);
  const created = await page.locator('.rk-facts time').first().getAttribute('datetime');
  assert.equal(created, tracked.created_at);

  // Nothing on the reporter's page gives away who reported it.
  const text = await page.locator('body').innerText();
  assert.ok(!text.includes(typed.reporter_name), 'the reporter name is not on the tracking page');
  assert.ok(!text.includes(typed.reporter_email), 'the reporter e-mail is not on the tracking page');

  // Send a reply from the tracking page, by keyboard.
  await tabTo(page, '#field-body', 30);
  await page.keyboard.type(reply);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'button"Verstuur aanvulling"');
  await Promise.all([page.waitForURL(/\/volg\/[^/?#]+\?reactie=verzonden$/), page.keyboard.press('Enter')]);
  assert.match(await page.locator('main').innerText(), /Uw aanvulling is verzonden/);
  const bodies = await page.locator('.rk-message--reporter .rk-message__body').allInnerTexts();
  assert.deepEqual(bodies, [reply], 'the reply shows with its line break');
  const afterReply = await fetchTracking(server.url, token);
  assert.ok(
    afterReply.messages.some((m) => m.body === reply),
    `the reply is stored: ${JSON.stringify(afterReply.messages)}`,
  );

  assert.deepEqual(problems, [], 'no console errors, CSP violations or failed assets');
  await context.close();
});

test('without JavaScript, the red button jumps to the form, which is shown in full', async () => {
  const { server, browser } = env;
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  for (const name of FORM_ORDER) {
    assert.ok(await page.locator(`#field-${name}`).isVisible(), `the field ${name} is visible`);
  }
  await tabTo(page, '#rode-knop', 5);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#melding$/);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), '#field-title', 'the next Tab after the jump lands in the first field');
  await context.close();
});

test('without JavaScript, an empty form comes back with a Dutch error page naming each problem', async () => {
  const { server, browser } = env;
  const { context, page, response } = await postEmptyFormWithoutJavaScript(browser, server.url);
  const problems = watchPage(page);
  assert.equal(response.status(), 422);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.match(await page.title(), /^Fout: /);

  const summary = page.locator('#rk-error-summary');
  assert.equal(await summary.getAttribute('role'), 'alert');
  assert.equal((await summary.locator('h2').textContent()).trim(), 'Er is iets niet goed ingevuld');
  assert.equal(await focused(page), '#rk-error-summary', 'the summary has the focus, also without JavaScript');
  const entries = await errorSummary(page);
  assert.deepEqual(
    entries.map((e) => e.href),
    REQUIRED_FIELDS.map((f) => `#field-${f}`),
    'one entry per missing required field, in form order',
  );
  for (const { text } of entries) {
    assert.ok(text.length > 5 && !/\b(required|field|must|invalid)\b/i.test(text), `"${text}" is a Dutch message`);
  }
  await assertFieldsMarked(page, entries);
  for (const name of ['impact', 'suggestion', 'reporter_name', 'reporter_email']) {
    assert.equal(await page.getAttribute(`#field-${name}`, 'aria-invalid'), null, `${name} is not marked invalid`);
  }

  // What was typed comes back, as text, and only the remaining problems are named.
  const breakout = '</textarea><img src=x onerror=alert(1)> & "quotes"';
  await page.fill('#field-title', 'Alleen een titel');
  await page.fill('#field-impact', breakout);
  await page.fill('#field-reporter_email', 'geen-adres');
  const [again] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Verstuur melding' }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  assert.equal(again.status(), 422);
  assert.equal(await page.inputValue('#field-title'), 'Alleen een titel');
  assert.equal(await page.inputValue('#field-impact'), breakout);
  assert.equal(await page.inputValue('#field-reporter_email'), 'geen-adres');
  assert.equal(await page.locator('img').count(), 0, 'the typed markup did not become an element');
  const remaining = await errorSummary(page);
  assert.deepEqual(
    remaining.map((e) => e.href),
    ['#field-procedure', '#field-description', '#field-department', '#field-category', '#field-reporter_email'],
  );
  await assertFieldsMarked(page, remaining);
  assert.equal(await page.getAttribute('#field-title', 'aria-invalid'), null);

  assert.deepEqual(problems, []);
  await context.close();
});

test('with JavaScript, the browser checks the form first with the same Dutch messages', async () => {
  const { server, browser } = env;
  // The server's messages for an empty form, to compare with.
  const noJs = await postEmptyFormWithoutJavaScript(browser, server.url);
  const serverMessages = await errorSummary(noJs.page);
  await noJs.context.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  const posts = [];
  page.on('request', (r) => r.method() === 'POST' && posts.push(r.url()));
  await page.goto(`${server.url}/`);

  await page.getByRole('button', { name: 'Verstuur melding' }).click();
  await page.locator('#rk-error-summary').waitFor();
  assert.deepEqual(posts, [], 'an incomplete form is not sent');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await focused(page), '#rk-error-summary', 'the focus moves to the summary');
  assert.equal(await page.getAttribute('#rk-error-summary', 'role'), 'alert');
  assert.match(await page.title(), /^Fout: /);
  const clientMessages = await errorSummary(page);
  assert.deepEqual(clientMessages, serverMessages, 'the browser names the same problems in the same words');
  await assertFieldsMarked(page, clientMessages);

  // A summary link puts the focus in its field.
  await page.locator('#rk-error-summary a[href="#field-description"]').click();
  assert.equal(await focused(page), '#field-description');

  // The character counter counts down, says when there is too much, and tells screen readers.
  const counter = page.locator('#field-title-count');
  await page.fill('#field-title', 'x'.repeat(190));
  assert.equal((await counter.textContent()).trim(), 'Nog 10 tekens over');
  await page.fill('#field-title', '€'.repeat(201));
  assert.equal((await counter.textContent()).trim(), '1 teken te veel');
  assert.equal(await page.getAttribute('#field-title-count-live', 'aria-live'), 'polite');
  await page.waitForFunction(() => document.getElementById('field-title-count-live').textContent === '1 teken te veel');

  await page.fill('#field-procedure', 'Parkeervergunning');
  await page.fill('#field-description', 'Voorbeeld');
  await page.selectOption('#field-department', meta0(await fetchMeta(server.url)).department);
  await page.selectOption('#field-category', meta0(await fetchMeta(server.url)).category);
  await page.fill('#field-reporter_email', 'naam@denhaag');
  await page.getByRole('button', { name: 'Verstuur melding' }).click();
  const entries = await errorSummary(page);
  assert.deepEqual(entries, [
    { href: '#field-title', text: 'Titel: Dit veld mag maximaal 200 tekens bevatten.' },
    { href: '#field-reporter_email', text: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@denhaag.nl.' },
  ]);
  await assertFieldsMarked(page, entries);
  for (const name of ['procedure', 'description', 'department', 'category']) {
    assert.equal(await page.getAttribute(`#field-${name}`, 'aria-invalid'), null, `${name} is no longer marked`);
    assert.equal(await page.locator(`#field-${name}-error`).count(), 0);
  }
  assert.deepEqual(posts, []);

  // Once all is well the form is sent as usual; 200 characters (code points) is allowed.
  await page.fill('#field-title', '€'.repeat(200));
  await page.fill('#field-reporter_email', 'naam@denhaag.nl');
  await Promise.all([
    page.waitForURL(/\/volg\/[^/?#]+(\?ontvangen=1)?$/),
    page.getByRole('button', { name: 'Verstuur melding' }).click(),
  ]);
  assert.deepEqual(posts, [`${server.url}/api/v1/reports`], 'sent exactly once');
  assert.equal((await page.locator('.rk-facts__title').textContent()).trim(), '€'.repeat(200));
  assert.doesNotMatch(await page.title(), /^Fout/);

  assert.deepEqual(problems, []);
  await context.close();
});

test('text with markup shows as text on the tracking page', async () => {
  const { server, browser } = env;
  const meta = meta0(await fetchMeta(server.url));
  const title = '<img src=x onerror=alert(1)>';
  const created = await createReport(server.url, {
    title,
    procedure: '<script>alert(2)</script>',
    description: 'Zie titel.',
    department: meta.department,
    category: meta.category,
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  const response = await page.goto(`${server.url}/volg/${created.tracking_token}`);
  assert.equal(response.status(), 200);
  assert.equal((await page.locator('.rk-facts__title').textContent()).trim(), title);
  assert.ok((await page.locator('main').innerText()).includes(title), 'the title appears as text');
  assert.equal(await page.locator('img').count(), 0, 'no img element exists');

  // A reply with markup stays text too.
  const reply = '<b>vet</b> <script>alert(3)</script>';
  await page.fill('#field-body', reply);
  await Promise.all([
    page.waitForURL(/\?reactie=verzonden$/),
    page.getByRole('button', { name: 'Verstuur aanvulling' }).click(),
  ]);
  assert.deepEqual(await page.locator('.rk-message__body').allInnerTexts(), [reply]);
  assert.equal(await page.locator('main b, main script, img').count(), 0);

  assert.deepEqual(problems, [], 'no script ran (no dialog) and nothing else went wrong');
  await context.close();
});

test('an empty reply comes back with the error next to the box', async () => {
  const { server, browser } = env;
  const meta = meta0(await fetchMeta(server.url));
  const created = await createReport(server.url, {
    title: 'Lege aanvulling',
    procedure: 'Test',
    description: 'Test',
    department: meta.department,
    category: meta.category,
  });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/volg/${created.tracking_token}`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Verstuur aanvulling' }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
  assert.equal(response.status(), 422);
  assert.match(await page.title(), /^Fout: /);
  const entries = await errorSummary(page);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].href, '#field-body');
  await assertFieldsMarked(page, entries);
  assert.equal((await fetchTracking(server.url, created.tracking_token)).messages.length, 0, 'nothing was stored');
  await context.close();
});

test('back from the confirmation, the refilled form says this report was sent already', async () => {
  const { server, browser } = env;
  const meta = await fetchMeta(server.url);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/`);
  await page.fill('#field-title', 'Twee keer hetzelfde formulier');
  await page.fill('#field-procedure', 'Aanvraag parkeervergunning');
  await page.fill('#field-description', 'Dezelfde gegevens worden twee keer gevraagd.');
  await page.selectOption('#field-department', meta.departments[0].key);
  await page.selectOption('#field-category', meta.categories[0].key);
  assert.equal(await page.locator('.rk-sent-notice').count(), 0, 'no warning before anything was sent');
  await Promise.all([page.waitForURL(/\/volg\//), page.getByRole('button', { name: 'Verstuur melding' }).click()]);
  const reference = (await page.locator('#rk-reference').textContent()).trim();

  await page.goBack();
  const notice = page.locator('.rk-sent-notice');
  await notice.waitFor();
  assert.match(await notice.innerText(), new RegExp(`al verstuurd \\(kenmerk ${reference}\\)`));
  assert.equal(await notice.getAttribute('role'), 'status');
  // A different report in the same form: no warning.
  await page.goto(`${server.url}/`);
  assert.equal(await page.locator('.rk-sent-notice').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an unknown tracking link gives a Dutch 404 page with a way back', async () => {
  const { server, browser } = env;
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  const response = await page.goto(`${server.url}/volg/${'A'.repeat(43)}`);
  assert.equal(response.status(), 404);
  assert.equal(await page.getAttribute('html', 'lang'), 'nl');
  assert.ok((await page.locator('h1').textContent()).trim().length > 0);
  assert.equal(await page.locator('main a[href="/"]').count(), 1, 'a link back to the form');
  assert.deepEqual(problems, []);
  await context.close();
});

function meta0(meta) {
  return { department: meta.departments[0].key, category: meta.categories[0].key };
}
