// The statistics page /stats as a manager uses it: log in, read the figures and charts, choose
// another period and a filter, download the CSV; compare the diensten and categories of a period
// (tables and charts that match the JSON); WCAG 2.1 A/AA on the page at desktop and mobile
// widths; the print layout leaves out the controls.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { assertAccessible } from './lib/axe.mjs';
import { addUser, createReport, logIn, useServerAndBrowser, watchPage } from './lib/server.mjs';

const env = useServerAndBrowser();
const CHARTS = 7;
const BREAKDOWNS = [
  { table: 'department', by: 'by_department' },
  { table: 'owner', by: 'by_owner_department' },
  { table: 'category', by: 'by_category' },
];

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
  // Seven charts, each drawn above its table (four by month, three by department or category),
  // and twelve months in each table by month.
  await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
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
  // labels=nl: Dutch column names and breakdown names, for people.
  assert.ok(csv.startsWith('\uFEFFmaand;uitsplitsing;code;naam;ontvangen;besluit genomen;'), csv.slice(0, 80));
  const rows = csv.trim().split('\r\n');
  assert.equal(rows.filter((r) => r.split(';')[1] === 'Totaal').length, 6);

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
  await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
  await assertAccessible(page, '/stats (mobile)');
  // WCAG 1.4.10 (reflow): at 320 CSS pixels (1280 at 400 %) nothing makes the page scroll sideways;
  // wide tables scroll inside their own box.
  for (const width of [375, 320]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${url}/stats`);
    await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
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

// "1.234" → 1234
const number = (text) => Number(text.trim().replace(/\./g, ''));

test('a manager compares diensten and categories over the period, also on a phone', async () => {
  const { url, dbPath } = env.server;
  await seed(dbPath, 150);
  await addUser(dbPath, 'johan', 'manager');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await logIn(page, url, 'johan', undefined, '/stats');
  await page.goto(`${url}/stats`);
  await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);

  // The figures of the period as the JSON gives them, summed over its months.
  const from = await page.locator('#field-from').inputValue();
  const to = await page.locator('#field-to').inputValue();
  const { api, meta } = await page.evaluate(async ([f, t]) => {
    const stats = await (await fetch(`/api/v1/stats/monthly?from=${f}&to=${t}`)).json();
    return { api: stats, meta: await (await fetch('/api/v1/meta')).json() };
  }, [from, to]);
  const fields = ['received', 'decided', 'resolved', 'rejected', 'duplicates'];
  const total = Object.fromEntries(fields.map((f) => [f, api.months.reduce((n, m) => n + m[f], 0)]));
  assert.ok(total.received > 0, 'the seeded reports fall in the period');
  const labels = {
    department: new Map(meta.departments.map((d) => [d.key, d.label])),
    owner: new Map(meta.departments.map((d) => [d.key, d.label])),
    category: new Map(meta.categories.map((c) => [c.key, c.label])),
  };

  for (const { table, by } of BREAKDOWNS) {
    const sums = new Map();
    for (const m of api.months) {
      for (const [key, counts] of Object.entries(m[by])) {
        const sum = sums.get(key) ?? Object.fromEntries(fields.map((f) => [f, 0]));
        for (const f of fields) sum[f] += counts[f];
        sums.set(key, sum);
      }
    }
    const rows = await page.locator(`#rk-table-${table} tbody tr`).evaluateAll((trs) =>
      trs.map((tr) => ({
        key: tr.dataset.rkKey ?? '',
        label: tr.querySelector('th[scope="row"]').textContent,
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
      })));
    const shown = new Set(rows.map((r) => r.key));
    // Every active entry is a row, under its Dutch label; every key with figures is a row.
    for (const [key, label] of labels[table]) {
      assert.ok(shown.has(key), `${table}: ${key} is listed`);
      assert.equal(rows.find((r) => r.key === key).label, label, `${table}: ${key} under its label`);
    }
    for (const [key, sum] of sums) {
      if (fields.some((f) => sum[f] > 0)) assert.ok(shown.has(key), `${table}: ${key} has figures and is listed`);
    }
    // Columns: received, decided, closed, resolved, not resolved, rejected, duplicates.
    const listed = Object.fromEntries(fields.map((f) => [f, 0]));
    for (const r of rows.filter((x) => x.key !== '')) {
      const want = sums.get(r.key) ?? Object.fromEntries(fields.map((f) => [f, 0]));
      const [received, decided, closed, resolved, wontFix, rejected, duplicates] = r.cells.map(number);
      assert.deepEqual({ received, decided, resolved, rejected, duplicates }, want, `${table}: ${r.key}`);
      assert.equal(closed, resolved + wontFix + rejected + duplicates, `${table}: ${r.key} closed`);
      for (const f of fields) listed[f] += want[f];
    }
    // The owning department: the reports without one have a row of their own.
    const rest = rows.filter((x) => x.key === '');
    if (table === 'owner') {
      assert.equal(rest.length, 1);
      assert.equal(rest[0].label, 'Nog geen dienst toegewezen');
      const [received, decided, , resolved, , rejected, duplicates] = rest[0].cells.map(number);
      assert.deepEqual({ received, decided, resolved, rejected, duplicates },
        Object.fromEntries(fields.map((f) => [f, total[f] - listed[f]])), 'owner: without a dienst');
    } else {
      assert.equal(rest.length, 0);
      assert.deepEqual(listed, total, `${table}: the rows add up to the period`);
    }
    const foot = (await page.locator(`#rk-table-${table} tfoot td`).allTextContents()).map(number);
    assert.deepEqual([foot[0], foot[1], foot[3], foot[5], foot[6]], fields.map((f) => total[f]), `${table}: total`);

    // The chart shows the table's figures and says where its text alternative is.
    const canvas = page.locator(`#rk-breakdown-${table} canvas`);
    assert.equal(await canvas.getAttribute('role'), 'img');
    assert.match(await canvas.getAttribute('aria-label'), /^Grafiek: Meldingen per .*De cijfers staan in de tabel hieronder\.$/);
    const chart = await canvas.evaluate((c) => {
      const ch = window.Chart.getChart(c);
      return { series: ch.data.datasets.map((d) => d.label), received: ch.data.datasets[0].data };
    });
    assert.deepEqual(chart.series, ['Ontvangen', 'Besluit genomen', 'Afgehandeld']);
    assert.deepEqual(chart.received, rows.map((r) => number(r.cells[0])));
  }

  // A phone, 375 and 320 px wide: captions wrap within the screen, the names of the rows stay
  // in view while the figures scroll sideways, and the page itself never scrolls sideways.
  for (const width of [375, 320]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${url}/stats`);
    await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `/stats is ${overflow} px wider than a ${width} px window`);
    const captions = await page.locator('.rk-stats__table-wrap').evaluateAll((wraps) =>
      wraps.map((wrap) => {
        const box = wrap.getBoundingClientRect();
        const caption = wrap.querySelector('caption');
        const c = caption.getBoundingClientRect();
        return { text: caption.textContent, inside: c.left >= box.left - 1 && c.right <= box.right + 1, lines: c.height };
      }));
    assert.equal(captions.length, CHARTS);
    for (const c of captions) assert.ok(c.inside, `at ${width} px the caption "${c.text}" is cut off`);
    const wrap = page.locator('#rk-breakdown-owner .rk-stats__table-wrap');
    await wrap.evaluate((w) => {
      w.scrollLeft = w.scrollWidth;
    });
    const stays = await wrap.evaluate((w) => {
      const box = w.getBoundingClientRect();
      const th = w.querySelector('tbody th[scope="row"]').getBoundingClientRect();
      const caption = w.querySelector('caption').getBoundingClientRect();
      return { scrolled: w.scrollLeft > 0, name: th.left >= box.left - 1 && th.left < box.left + 20,
        caption: caption.left >= box.left - 1 && caption.right <= box.right + 1 };
    });
    if (stays.scrolled) {
      assert.ok(stays.name, `at ${width} px the names stay in view while the table scrolls`);
      assert.ok(stays.caption, `at ${width} px the caption stays in view while the table scrolls`);
    }
    await assertAccessible(page, `/stats at ${width} px`);
  }

  assert.deepEqual(problems, []);
  await context.close();
});

test('in forced colours (Windows high contrast) selects keep an arrow, month inputs their calendar button, charts readable text', async () => {
  const { url, dbPath } = env.server;
  await addUser(dbPath, 'femke', 'manager');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await logIn(page, url, 'femke', undefined, '/stats');
  await page.emulateMedia({ forcedColors: 'active', colorScheme: 'dark' });
  await page.goto(`${url}/stats?from=2026-01&to=2026-03`);
  await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
  const looks = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'CanvasText';
    document.body.append(probe);
    const canvasText = getComputedStyle(probe).color;
    probe.remove();
    const chart = window.Chart.getChart(document.querySelector('[data-rk-chart="flow"] canvas'));
    return {
      select: getComputedStyle(document.getElementById('field-department')).appearance,
      month: getComputedStyle(document.getElementById('field-from')).colorScheme,
      canvasText,
      ticks: [chart.options.scales.x.ticks.color, chart.options.scales.y.ticks.color],
      grid: chart.options.scales.y.grid.color,
      legend: chart.options.plugins.legend.labels.color,
    };
  });
  assert.equal(looks.select, 'auto', 'the select is drawn by the browser, with its arrow in system colours');
  assert.equal(looks.month, 'light dark', 'the calendar button follows the system colours');
  assert.deepEqual(looks.ticks, [looks.canvasText, looks.canvasText]);
  assert.equal(looks.grid, looks.canvasText);
  assert.equal(looks.legend, looks.canvasText);

  // Without forced colours the page keeps its own look.
  await page.emulateMedia({ forcedColors: 'none', colorScheme: 'light' });
  await page.goto(`${url}/stats?from=2026-01&to=2026-03`);
  await page.waitForFunction((n) => document.querySelectorAll('.rk-stats__canvas canvas').length === n, CHARTS);
  assert.equal(await page.locator('#field-department').evaluate((el) => getComputedStyle(el).appearance), 'none');
  assert.deepEqual(problems, []);
  await context.close();
});
