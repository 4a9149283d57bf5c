// Logging in and out by keyboard, the Dutch messages of the login page, the way back to the
// page one was going to, and WCAG 2.1 A/AA on every state of /login.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './lib/axe.mjs';
import { TEST_PASSWORD, addUser, focused, launchBrowser, logIn, useServerAndBrowser, watchPage } from './lib/server.mjs';

const env = useServerAndBrowser();

test('a triager logs in and out by keyboard only', async () => {
  const { url, dbPath } = env.server;
  await addUser(dbPath, 'anna', 'triager');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);

  // A team page without a session leads to the login page, and back after login.
  await page.goto(`${url}/team`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/team');
  assert.equal(await page.locator('#field-username').evaluate((el) => el === document.activeElement), true);

  await page.keyboard.type('anna');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), '#field-password');
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Inloggen/);
  await Promise.all([page.waitForURL(`${url}/team`), page.keyboard.press('Enter')]);

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'rk_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('rk_session')), false, 'scripts cannot read it');

  // The header names the user and offers a visible logout button, reachable by keyboard.
  await assert.doesNotReject(page.getByText('Ingelogd als').waitFor());
  const logout = page.getByRole('button', { name: 'Uitloggen' });
  assert.equal(await logout.isVisible(), true);
  await logout.focus();
  await Promise.all([page.waitForURL(/\/login\?reden=uitgelogd/), page.keyboard.press('Enter')]);
  assert.match(await page.locator('#rk-login-notice').textContent(), /U bent uitgelogd/);

  // The old session is gone: the team page asks for a login again.
  await page.goto(`${url}/team`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.deepEqual(problems, []);
  await context.close();
});

test('wrong credentials give a Dutch message that takes the focus', async () => {
  const { url } = env.server;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill('#field-username', 'anna');
  await page.fill('#field-password', 'niet het goede wachtwoord');
  await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
  await page.waitForSelector('#rk-error-summary');
  assert.match(await page.locator('#rk-error-summary').textContent(), /Gebruikersnaam of wachtwoord is onjuist/);
  assert.match(await page.title(), /^Fout: /);
  assert.equal(await page.inputValue('#field-username'), 'anna');
  await assertAccessible(page, '/login with an error');
  await context.close();
});

// (The login page has no script: this is the server's page, as browsers without JavaScript get it.)
test('an empty field gets its own message at the field', async () => {
  const { url } = env.server;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.fill('#field-username', 'anna');
  await Promise.all([page.waitForLoadState('load'), page.locator('#field-username').press('Enter')]);
  await page.waitForSelector('#rk-error-summary');
  assert.match(await page.locator('#rk-error-summary').textContent(), /Vul uw wachtwoord in\./);
  const password = page.locator('#field-password');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  const describedBy = await password.getAttribute('aria-describedby');
  assert.equal((await page.locator(`#${describedBy}`).textContent()).trim(), 'Fout: Vul uw wachtwoord in.');
  assert.equal(await page.locator('#field-username').getAttribute('aria-invalid'), null, 'the filled field is not marked');
  assert.equal(await page.inputValue('#field-username'), 'anna');
  await assertAccessible(page, '/login with an empty password');

  // Both empty: a message at each field.
  await page.fill('#field-username', '');
  await Promise.all([page.waitForLoadState('load'), page.locator('#field-password').press('Enter')]);
  await page.waitForSelector('#rk-error-summary');
  assert.match(await page.locator('#rk-error-summary').textContent(), /Vul uw gebruikersnaam en wachtwoord in\./);
  assert.equal((await page.locator('#field-username-error').textContent()).trim(), 'Fout: Vul uw gebruikersnaam in.');
  assert.equal((await page.locator('#field-password-error').textContent()).trim(), 'Fout: Vul uw wachtwoord in.');
  assert.equal(await page.locator('#field-username').getAttribute('aria-invalid'), 'true');
  await context.close();
});

test('/login has no WCAG 2.1 AA violations, also with the session-expired notice', async () => {
  const { url } = env.server;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  for (const path of ['/login', '/login?reden=verlopen&next=%2Fteam']) {
    await page.goto(`${url}${path}`);
    await assertAccessible(page, path);
  }
  assert.match(await page.locator('#rk-login-notice').textContent(), /sessie is verlopen/);
  await page.setViewportSize({ width: 390, height: 844 });
  await assertAccessible(page, '/login on a phone');
  await context.close();
});

test('a team member logs in and out over plain HTTP under an intranet name (not a secure context)', async () => {
  // Away from localhost, over http, Chromium sends no Sec-Fetch-Site; with the pages'
  // Referrer-Policy its form posts must still carry the page's own Origin, or the login's
  // cross-site check refuses them (an adopting municipality found this on a test VM).
  const { url, dbPath } = env.server;
  await addUser(dbPath, 'kees', 'triager');
  // Straight to the test server, also on a machine whose environment names a proxy.
  const browser = await launchBrowser(['--host-resolver-rules=MAP rodeknop.intranet.test 127.0.0.1', '--no-proxy-server']);
  try {
    const page = await browser.newPage();
    const problems = watchPage(page);
    const base = `http://rodeknop.intranet.test:${new URL(url).port}`;
    await logIn(page, base, 'kees', TEST_PASSWORD, '/team');
    assert.equal(new URL(page.url()).pathname, '/team');
    assert.equal(await page.evaluate(() => window.isSecureContext), false, 'the page is not a secure context');
    await assert.doesNotReject(page.getByText('Ingelogd als').waitFor());
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.getByRole('button', { name: 'Uitloggen' }).click()]);
    // Chromium says it ignores Cross-Origin-Opener-Policy over plain http (it applies on https).
    assert.deepEqual(problems.filter((p) => !/Cross-Origin-Opener-Policy header has been ignored/.test(p)), []);
  } finally {
    await browser.close();
  }
});
