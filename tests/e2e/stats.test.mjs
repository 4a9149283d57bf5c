// The statistics page /stats as a manager uses it: log in, read the figures and charts, choose
// another period and a filter, download the CSV; WCAG 2.1 A/AA on the page at desktop and mobile
// widths; the print layout leaves out the controls.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { addUser, createReport, logIn, useServerAndBrowser, watchPage } from './lib/server.mjs';

const env = useServerAndBrowser();
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function assertAccessible(page, what) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const text = violations.map((v) => `  ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.equal(violations.length, 0, `axe found violations on ${what}:\n${text.join('\n')}`);
}

async function seed(dbPath, count) {
  const child = spawn(process.env.RODEKNOP_BIN, ['seed', '--db', dbPath, '--count', String(count)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const status = await new Promise((resolveExit) => child.on('exit', resolveExit));
  if (status !== 0) throw new Error(`rodeknop seed failed (${status}): ${stderr}`);
}

function monthText(date) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit' })
    .formatToParts(date);
  return `${parts.find((p) => p.type === 'year').value}-${parts.find((p) => p.type === 'month').value}`;
}

test('a manager reads the monthly figures, changes the period and downloads the CSV', async () => {
  const { url, dbPath } = env.server;
  await seed(dbPath, 400);
  await createReport(url, {
    title: 'Aanvraagformulier vraagt drie keer hetzelfde',
    procedure: 'Aanvraag bijzondere bijstand',
    description: 'Inwoners vullen hun adres drie keer in.',
    department: 'dpz',
    category: 'formulier_brief',
  });
  await addUser(dbPath, 'marieke', 'manager');

  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchPage(page);

  // Without a session the page sends the manager to the login, and back.
  await page.goto(`${url}/stats`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await logIn(page, url, 'marieke', undefined, '/stats');
  assert.equal(new URL(page.url()).pathname, '/stats');

  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Maandcijfers van de Rode Knop' }).waitFor());
  const received = Number((await page.locator('#rk-figure-received').textContent()).replace(/\./g, ''));
  assert.ok(received > 0, `received in the last twelve months: ${received}`);
  assert.match(await page.locator('#rk-figure-rules').textContent(), /^\d/);
  // Four charts, each drawn above its table, and twelve months in each table.
  await page.waitForFunction(() => document.querySelectorAll('.rk-stats__canvas canvas').length === 4);
  for (const id of ['rk-table-flow', 'rk-table-backlog', 'rk-table-outcomes', 'rk-table-lead']) {
    assert.equal(await page.locator(`#${id} tbody tr`).count(), 12, id);
    assert.equal(await page.locator(`#${id} caption`).count(), 1, id);
    assert.equal(await page.locator(`#${id} tbody th[scope="row"]`).count(), 12, id);
  }
  // The table and the JSON agree on the current month.
  const current = monthText(new Date());
  const api = await page.evaluate(async (m) => {
    const res = await fetch(`/api/v1/stats/monthly?from=${m}&to=${m}`);
    return res.json();
  }, current);
  const lastRow = page.locator('#rk-table-flow tbody tr').last();
  assert.equal(Number(await lastRow.locator('td').first().getAttribute('data-rk-value')), api.months[0].received);
  await assertAccessible(page, '/stats (desktop)');

  // Another period and a department, chosen by keyboard in the form.
  await page.locator('#field-from').fill('2025-01');
  await page.locator('#field-to').fill('2025-06');
  await page.locator('#field-department').selectOption('dpz');
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('from') === '2025-01'),
    page.getByRole('button', { name: 'Toon cijfers' }).press('Enter'),
  ]);
  assert.match(await page.locator('.rk-stats__lead').textContent(), /januari 2025 tot en met juni 2025, meldingen uit Dienst Publiekszaken/);
  assert.equal(await page.locator('#rk-table-flow tbody tr').count(), 6);
  assert.equal(await page.locator('#field-department').inputValue(), 'dpz');

  // The CSV for Excel with Dutch settings.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#rk-csv-semicolon').click()]);
  assert.equal(download.suggestedFilename(), 'rodeknop-statistiek-2025-01-2025-06.csv');
  const csv = await readFile(await download.path(), 'utf8');
  assert.ok(csv.startsWith('\uFEFFmonth;breakdown;key;label;received;'), csv.slice(0, 80));
  const rows = csv.trim().split('\r\n');
  assert.equal(rows.filter((r) => r.split(';')[1] === 'total').length, 6);

  // Print: the controls go, the figures and tables stay.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.rk-stats__picker').isVisible(), false);
  assert.equal(await page.locator('.rk-stats__downloads').isVisible(), false);
  assert.equal(await page.locator('#rk-table-lead').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });

  // A wrong period is explained in Dutch and the page stays usable.
  await page.goto(`${url}/stats?from=2025-07&to=2025-01`);
  assert.match(await page.locator('#rk-error-summary').textContent(), /eindmaand/);
  await assertAccessible(page, '/stats with an error');

  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${url}/stats`);
  await page.waitForFunction(() => document.querySelectorAll('.rk-stats__canvas canvas').length === 4);
  await assertAccessible(page, '/stats (mobile)');
  // WCAG 1.4.10 (reflow): at 320 CSS pixels (1280 at 400 %) nothing makes the page scroll sideways;
  // wide tables scroll inside their own box.
  for (const width of [375, 320]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${url}/stats`);
    await page.waitForFunction(() => document.querySelectorAll('.rk-stats__canvas canvas').length === 4);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `/stats is ${overflow} px wider than a ${width} px window`);
  }

  // The logout button is a plain form on this page (no script takes it over): it must work.
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.goto(`${url}/stats`);
  assert.equal(new URL(page.url()).pathname, '/login', 'after logging out, /stats asks for a login again');

  assert.deepEqual(problems, []);
  await context.close();
});
