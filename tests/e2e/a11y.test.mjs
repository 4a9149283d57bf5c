// WCAG 2.1 A and AA checks with axe on every state of the reporter's pages: the form, the
// form with errors (from the server, without JavaScript, and from the browser), the
// confirmation, the tracking page with messages and with an error, and the 404 page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './lib/axe.mjs';
import { createReport, fetchMeta, useServerAndBrowser, watchPage } from './lib/server.mjs';

const env = useServerAndBrowser();

async function fillValidForm(page, meta) {
  await page.fill('#field-title', 'Parkeervergunning aanvragen kan alleen op papier');
  await page.fill('#field-procedure', 'Aanvraag parkeervergunning bewoners');
  await page.fill('#field-description', 'Een bewoner moest een formulier printen.\nEn het per post sturen.');
  await page.selectOption('#field-department', meta.departments[0].key);
  await page.selectOption('#field-category', meta.categories[0].key);
}

async function submitEmpty(page) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: /^Verstuur/ }).click(),
  ]);
  await page.waitForLoadState('domcontentloaded');
}

for (const viewport of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`the reporter's pages have no WCAG 2.1 AA violations at ${viewport.width}px`, async (t) => {
    const { server, browser } = env;
    const meta = await fetchMeta(server.url);
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const problems = watchPage(page);
    // The pages as without JavaScript: our scripts are not loaded. (A context with
    // javaScriptEnabled: false would also stop axe itself from running.)
    const noJs = await browser.newContext({ viewport });
    await noJs.route('**/js/**', (route) => route.abort());
    const plain = await noJs.newPage();

    await t.test('the report form', async () => {
      await page.goto(`${server.url}/`);
      await assertAccessible(page, '/');
    });

    await t.test('the report form with errors from the server (no JavaScript)', async () => {
      await plain.goto(`${server.url}/`);
      await submitEmpty(plain);
      assert.match(await plain.title(), /^Fout: /, 'the error page is shown');
      assert.equal(await plain.locator('.rk-char-count').count(), 0, 'no script ran');
      await assertAccessible(plain, '/ after posting an empty form without JavaScript');
    });

    await t.test('the report form with errors from the browser', async () => {
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Verstuur melding' }).click();
      await page.locator('#rk-error-summary').waitFor();
      await page.fill('#field-title', 'x'.repeat(210)); // and a counter over its limit
      await assertAccessible(page, '/ with client-side errors');
    });

    let trackingPath;
    await t.test('the confirmation page', async () => {
      await page.goto(`${server.url}/`);
      await fillValidForm(page, meta);
      await Promise.all([
        page.waitForURL(/\/volg\/[^/?#]+(\?ontvangen=1)?$/),
        page.getByRole('button', { name: 'Verstuur melding' }).click(),
      ]);
      trackingPath = new URL(page.url()).pathname;
      await assertAccessible(page, 'the confirmation page');
    });

    await t.test('the tracking page', async () => {
      await page.goto(`${server.url}${trackingPath}`);
      await assertAccessible(page, 'the tracking page');
    });

    await t.test('the tracking page with a reply sent', async () => {
      await page.fill('#field-body', 'Nog een voorbeeld:\nhet formulier is alleen in het Nederlands.');
      await Promise.all([
        page.waitForURL(/\?reactie=verzonden$/),
        page.getByRole('button', { name: 'Verstuur aanvulling' }).click(),
      ]);
      assert.equal(await page.locator('.rk-message').count(), 1);
      await assertAccessible(page, 'the tracking page after a reply');
    });

    await t.test('the tracking page with an error (no JavaScript)', async () => {
      const created = await createReport(server.url, {
        title: 'Toegankelijkheid foutmelding',
        procedure: 'Test',
        description: 'Test',
        department: meta.departments[0].key,
        category: meta.categories[0].key,
      });
      await plain.goto(`${server.url}/volg/${created.tracking_token}`);
      await submitEmpty(plain);
      assert.match(await plain.title(), /^Fout: /);
      await assertAccessible(plain, 'the tracking page with an empty reply');
    });

    await t.test('the error page', async () => {
      const response = await page.goto(`${server.url}/volg/onbekend`);
      assert.equal(response.status(), 404);
      await assertAccessible(page, 'the 404 page');
    });

    assert.deepEqual(problems, []);
    await noJs.close();
    await context.close();
  });
}
