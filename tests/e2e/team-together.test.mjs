// The team working together in real browsers: what the pages do when someone else (or the
// same member elsewhere) changed a report meanwhile, when an answer got lost, when the tab is
// closed with unsent text, and the smaller things around the dashboard's list (Back/Forward,
// references in the search, the order of live additions, future weeks, counters, other tabs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './lib/axe.mjs';
import { createReport, fetchMeta, useServerAndBrowser, watchPage } from './lib/server.mjs';
import { teamMembers } from './lib/team.mjs';

const env = useServerAndBrowser();
const USERS = {
  anna: { password: 'anna-wachtwoord-2026', role: 'triager' },
  bram: { password: 'bram-wachtwoord-2026', role: 'triager' },
};
const { ensureUsers, login, apiSession } = teamMembers(env, USERS);

async function change(call, id, body) {
  const current = await call('GET', `/api/v1/reports/${id}`);
  const res = await call('PATCH', `/api/v1/reports/${id}`, body, { 'if-match': current.etag });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

async function reply(report, body) {
  const res = await fetch(`${env.server.url}/api/v1/track/${report.tracking_token}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  assert.equal(res.status, 201);
}

let counter = 0;
async function newReport(meta, title) {
  counter += 1;
  return createReport(env.server.url, {
    title,
    procedure: `Procedure ${counter}`,
    description: `Wat er misgaat bij melding ${counter}.`,
    department: meta.departments[counter % meta.departments.length].key,
    category: meta.categories[counter % meta.categories.length].key,
  });
}

function card(page, reference) {
  return page.locator('.rk-item', { has: page.locator('.rk-ref', { hasText: reference }) });
}

/** No live updates in this page: the event stream answers, but says nothing (and asks to wait before reconnecting). */
async function withoutLiveUpdates(page) {
  await page.route('**/api/v1/events', (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 600000\n\n' }));
}

/** The steps the decision buttons of `scope` offer (data-to), in order. */
function offered(scope) {
  return scope.locator('.rk-decide__button[data-to]').evaluateAll((buttons) => buttons.map((b) => b.dataset.to));
}

test('after a colleague decided, the report page offers only the steps of the new status and keeps the typed text', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Afvalpas aanvragen kan alleen aan de balie');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  const streaming = page.waitForResponse((r) => r.url().endsWith('/api/v1/events'));
  await login(page, `/team/reports/${created.id}`);
  await streaming;
  const besluit = page.locator('#besluit');
  await besluit.locator('.rk-decide__button').first().waitFor();
  assert.deepEqual(await offered(besluit), meta.transitions.new);

  // Anna types a rejection …
  await besluit.getByRole('button', { name: 'Afwijzen', exact: true }).click();
  const note = besluit.locator('textarea[name="note"]');
  await note.fill('Dit regelt het Rijk, niet de gemeente.');
  // … while Bram (here through the API) accepts the report.
  const bram = await apiSession('bram');
  await change(bram, created.id, { status: 'accepted', note: 'We pakken dit op.' });

  // Live: the buttons are those allowed from ‘Geaccepteerd’, the open form says it cannot be
  // saved any more, and there is no button that would try.
  const impossible = besluit.locator('.rk-impossible');
  await impossible.waitFor({ timeout: 10_000 });
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('#besluit .rk-decide__button[data-to]')].map((b) => b.dataset.to)) === want, JSON.stringify(meta.transitions.accepted));
  assert.match(await impossible.textContent(), /Dit besluit kan niet meer/);
  assert.match(await impossible.textContent(), /bram heeft de melding intussen de status ‘Geaccepteerd’ gegeven\. Vanuit die status kan ‘Afwijzen’ niet\./);
  assert.equal(await besluit.getByRole('button', { name: 'Besluit opslaan' }).count(), 0, 'no active save button for an impossible decision');
  assert.equal(await note.inputValue(), 'Dit regelt het Rijk, niet de gemeente.', 'the typed text stays');
  await assertAccessible(page, '/team/reports/{id} with a decision that can no longer be taken');

  // The text can become an internal comment.
  await impossible.getByRole('button', { name: 'Tekst als interne opmerking plaatsen' }).click();
  await page.locator('.rk-comment--comment', { hasText: 'Dit regelt het Rijk, niet de gemeente.' }).waitFor();
  assert.match(await page.locator('.rk-comment--comment', { hasText: 'Dit regelt het Rijk' }).textContent(), /Intern/);
  assert.equal(await besluit.locator('form').count(), 0, 'the form is closed');
  await page.locator('#rk-live', { hasText: 'Uw tekst is als interne opmerking geplaatst.' }).waitFor();
  const after = (await bram('GET', `/api/v1/reports/${created.id}`)).body;
  assert.equal(after.status, 'accepted');
  assert.equal(after.history.filter((e) => e.type === 'status').length, 1, 'no decision was sent');
  assert.equal(after.comments.at(-1).visibility, 'internal');
  assert.deepEqual(problems, []);
  await context.close();
});

test('after a 412, the buttons follow the new status, also after Annuleren; no save button that cannot succeed', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Leerlingenvervoer: drie keer hetzelfde formulier');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await withoutLiveUpdates(page);
  await login(page, `/team/reports/${created.id}`);
  const besluit = page.locator('#besluit');
  await besluit.getByRole('button', { name: 'Afwijzen', exact: true }).click();
  await besluit.locator('textarea[name="note"]').fill('Geen belemmering.');
  const bram = await apiSession('bram');
  await change(bram, created.id, { status: 'accepted' });

  await besluit.getByRole('button', { name: 'Besluit opslaan' }).click();
  const conflict = besluit.locator('.rk-conflict__alert');
  await conflict.waitFor();
  assert.match(await conflict.textContent(), /Iemand anders was u voor/);
  assert.match(await conflict.textContent(), /Vanuit die status kan ‘Afwijzen’ niet/);
  assert.equal(await besluit.getByRole('button', { name: 'Besluit opslaan' }).isVisible(), false, '‘Besluit opslaan’ is gone');
  assert.deepEqual(await offered(besluit), meta.transitions.accepted);
  await assertAccessible(page, '/team/reports/{id} after a 412 for a decision no longer possible');

  await besluit.getByRole('button', { name: 'Annuleren' }).click();
  assert.deepEqual(await offered(besluit), meta.transitions.accepted, 'still the steps of the new status');
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('rk-decide__button')), true, 'the focus is on a step');
  assert.equal((await bram('GET', `/api/v1/reports/${created.id}`)).body.history.filter((e) => e.type === 'status').length, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('when the reporter answers, the buttons change from ‘Terug naar de wachtrij’ to those of a new report; the focus stays on a step', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Bewonerskaart: formulier B12 bestaat niet meer');
  const bram = await apiSession('bram');
  await change(bram, created.id, { status: 'needs_info', note: 'Welk formulier bedoelt u?' });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  const streaming = page.waitForResponse((r) => r.url().endsWith('/api/v1/events'));
  await login(page, `/team/reports/${created.id}`);
  await streaming;
  const besluit = page.locator('#besluit');
  await besluit.locator('.rk-decide__button').first().waitFor();
  assert.deepEqual(await offered(besluit), meta.transitions.needs_info);
  await besluit.locator('.rk-decide__button[data-to="new"]').focus();

  await reply(created, 'Het gaat om formulier B12, blad 2.');
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('#besluit .rk-decide__button[data-to]')].map((b) => b.dataset.to)) === want, JSON.stringify(meta.transitions.new), { timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.matches('#besluit .rk-decide__button')), true, 'the focus is on a step, not lost');
  await besluit.locator('.rk-decide__changed', { hasText: 'de melder heeft deze melding zojuist gewijzigd (status nu: Nieuw)' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('on /team, a card whose report was decided by someone else offers the new steps and no save', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Kwijtschelding: drie keer dezelfde bewijsstukken');
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  const item = card(page, created.reference);
  await item.waitFor();
  await page.locator('.rk-connection[data-state="open"]').waitFor();
  await item.getByRole('button', { name: 'Afwijzen', exact: true }).click();
  await item.locator('textarea[name="note"]').fill('Valt onder de landelijke regels.');
  const bram = await apiSession('bram');
  await change(bram, created.id, { status: 'accepted' });

  await item.locator('.rk-impossible').waitFor({ timeout: 10_000 });
  assert.deepEqual(await offered(item), meta.transitions.accepted);
  assert.equal(await item.getByRole('button', { name: 'Besluit opslaan' }).count(), 0);
  assert.match(await item.locator('.rk-card__meta').textContent(), /Geaccepteerd/);
  assert.equal(await item.locator('textarea[name="note"]').inputValue(), 'Valt onder de landelijke regels.');
  // Thrown away explicitly, the card offers the steps from ‘Geaccepteerd’.
  await item.getByRole('button', { name: 'Mijn besluit vergeten' }).click();
  assert.equal(await item.locator('form').count(), 0);
  assert.deepEqual(await offered(item), meta.transitions.accepted);
  assert.deepEqual(problems, []);
  await context.close();
});

test('closing or reloading the tab with an unsent note or comment asks first; not once it is sent or cleared', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Gehandicaptenparkeerkaart: drie keer een keuring');
  const context = await env.browser.newContext();
  let page = await context.newPage();
  await login(page, `/team/reports/${created.id}`);
  const dialogs = [];
  const watch = (p, answer) =>
    p.on('dialog', async (dialog) => {
      dialogs.push(dialog.type());
      await (answer() ? dialog.accept() : dialog.dismiss());
    });
  let leave = false;
  watch(page, () => leave);

  // A comment typed (by keyboard: the browser only asks after the user did something on the page).
  const comment = page.locator('.rk-comment-form textarea');
  await comment.click();
  await page.keyboard.type('Eerst de keuringsarts bellen.');
  await page.close({ runBeforeUnload: true });
  await expectDialog(dialogs, 'beforeunload');
  assert.equal(page.isClosed(), false, 'staying on the page keeps it open');
  assert.equal(await comment.inputValue(), 'Eerst de keuringsarts bellen.');

  // Reloading asks too; going on, the text comes back (kept in this tab).
  leave = true;
  dialogs.length = 0;
  await page.reload();
  assert.deepEqual(dialogs, ['beforeunload']);
  await comment.waitFor();
  assert.equal(await comment.inputValue(), 'Eerst de keuringsarts bellen.');
  leave = false;

  // Sent: nothing to ask about.
  await page.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  await page.locator('.rk-comment--comment', { hasText: 'keuringsarts' }).waitFor();
  // A decision note typed and then cleared: nothing to ask about either.
  await page.locator('#besluit').getByRole('button', { name: 'Afwijzen', exact: true }).click();
  const note = page.locator('#besluit textarea[name="note"]');
  await note.click();
  await page.keyboard.type('x');
  await page.keyboard.press('Backspace');
  dialogs.length = 0;
  await page.close({ runBeforeUnload: true });
  await page.waitForEvent('close');
  assert.deepEqual(dialogs, []);

  // On /team: a decision note being written in a card.
  page = await context.newPage();
  watch(page, () => leave);
  await page.goto(`${env.server.url}/team`);
  const item = card(page, created.reference);
  await item.getByRole('button', { name: 'Afwijzen', exact: true }).click();
  await page.keyboard.type('Niet onze regel.');
  await page.close({ runBeforeUnload: true });
  await expectDialog(dialogs, 'beforeunload');
  assert.equal(page.isClosed(), false);
  // Following a link to the report page keeps the text in this tab: no question, and it is back there.
  dialogs.length = 0;
  await item.locator('.rk-card__link').click();
  await page.waitForURL(`**/team/reports/${created.id}`);
  await page.locator('#besluit textarea[name="note"]').waitFor();
  assert.equal(await page.locator('#besluit textarea[name="note"]').inputValue(), 'Niet onze regel.');
  assert.deepEqual(dialogs, [], 'no question for a link within the site');
  await context.close();
});

async function expectDialog(dialogs, type) {
  for (let i = 0; i < 50 && dialogs.length === 0; i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(dialogs, [type]);
}

test('a save that changes nothing does not say ‘Besluit opgeslagen’', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Parkeren bij de kinderopvang: vergunning per kind');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  // A transition table that offers ‘Terug naar de wachtrij’ on a new report: the server answers
  // such a step with 200 and the same version, and writes nothing.
  await page.route('**/api/v1/meta', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.transitions.new = [...body.transitions.new, 'new'];
    await route.fulfill({ response: res, json: body });
  });
  await login(page, `/team/reports/${created.id}`);
  await page.locator('#besluit').getByRole('button', { name: 'Terug naar de wachtrij' }).click();
  await page.locator('#besluit').getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#rk-live', { hasText: 'Er is niets veranderd: de melding had deze status al.' }).waitFor();
  assert.doesNotMatch(await page.locator('#rk-live').textContent(), /opgeslagen/);
  const bram = await apiSession('bram');
  assert.equal((await bram('GET', `/api/v1/reports/${created.id}`)).body.version, 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('one’s own save whose answer got lost is recognised as saved, live and on retrying; never ‘iemand anders’', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const bram = await apiSession('bram');

  /** The server carries out the first PATCH, but its answer never reaches the browser. */
  const loseFirstAnswer = async (page, id) => {
    let lost = false;
    await page.route(`**/api/v1/reports/${id}`, async (route) => {
      if (route.request().method() !== 'PATCH' || lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
  };

  // Live: the change arrives through the event stream.
  const live = await newReport(meta, 'Verhuizing doorgeven: papieren formulier');
  let context = await env.browser.newContext();
  let page = await context.newPage();
  let problems = watchPage(page);
  const streaming = page.waitForResponse((r) => r.url().endsWith('/api/v1/events'));
  await login(page, `/team/reports/${live.id}`);
  await streaming;
  await loseFirstAnswer(page, live.id);
  await page.locator('#besluit').getByRole('button', { name: 'Accepteren' }).click();
  await page.locator('#besluit textarea[name="note"]').fill('We pakken dit op.');
  await page.locator('#besluit').getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#rk-live', { hasText: 'Uw besluit is toch opgeslagen.' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#besluit form').count(), 0, 'the form closed as after a save');
  assert.deepEqual(await offered(page.locator('#besluit')), meta.transitions.accepted);
  assert.equal(await page.getByText(/iemand anders/i).count(), 0);
  assert.equal(await page.evaluate((id) => sessionStorage.getItem(`rk-decision-draft:${id}`), live.id), null, 'nothing kept any more');
  let stored = (await bram('GET', `/api/v1/reports/${live.id}`)).body;
  assert.equal(stored.history.filter((e) => e.type === 'status').length, 1, 'saved once');
  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(p)), []);
  await context.close();

  // Without live updates: trying again finds the version moved on, by oneself.
  const retried = await newReport(meta, 'Parkeervergunning: kenteken twee keer invullen');
  context = await env.browser.newContext();
  page = await context.newPage();
  problems = watchPage(page);
  await withoutLiveUpdates(page);
  await login(page, `/team/reports/${retried.id}`);
  await loseFirstAnswer(page, retried.id);
  await page.locator('#besluit').getByRole('button', { name: 'Accepteren' }).click();
  await page.locator('#besluit').getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#besluit .rk-form-error', { hasText: 'De server is niet bereikbaar' }).waitFor();
  await page.locator('#besluit').getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#rk-live', { hasText: 'Uw besluit is toch opgeslagen.' }).waitFor();
  assert.equal(await page.getByText(/iemand anders|was u voor/i).count(), 0);
  stored = (await bram('GET', `/api/v1/reports/${retried.id}`)).body;
  assert.equal(stored.status, 'accepted');
  assert.equal(stored.history.filter((e) => e.type === 'status').length, 1, 'saved once');
  assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(p)), []);
  await context.close();
});

test('Back and Forward after filtering: address, fields, list and the line under the heading agree', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const wanted = await newReport(meta, 'Kapvergunning voor één boom kost zes weken');
  const other = await newReport(meta, 'Iets anders over de milieustraat');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, other.reference).waitFor();
  const live = page.locator('#rk-live');
  const summary = page.locator('#rk-queue-summary');

  await page.locator('#filter-status').selectOption('');
  await page.locator('#filter-q').fill('kapvergunning');
  await page.locator('#filter-q').press('Enter');
  await card(page, other.reference).waitFor({ state: 'detached' });
  await live.filter({ hasText: 'zoekterm ‘kapvergunning’' }).waitFor();

  await page.goBack();
  await card(page, other.reference).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('q'), null);
  assert.equal(await page.locator('#filter-q').inputValue(), '');
  assert.equal(await page.locator('#filter-status').inputValue(), 'new');
  assert.match(await summary.textContent(), /wacht(en)? op een besluit/);
  await page.waitForFunction(() => document.getElementById('rk-live').textContent === document.getElementById('rk-queue-summary').textContent);
  assert.doesNotMatch(await live.textContent(), /kapvergunning/, 'the line under the heading no longer speaks of the search');

  await page.goForward();
  await card(page, other.reference).waitFor({ state: 'detached' });
  await card(page, wanted.reference).waitFor();
  assert.equal(await page.locator('#filter-q').inputValue(), 'kapvergunning');
  assert.equal(await page.locator('#filter-status').inputValue(), '');
  await live.filter({ hasText: '1 melding gevonden met alle statussen, zoekterm ‘kapvergunning’' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reference in the search finds its report whatever the status filter, and says so', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const rejected = await newReport(meta, 'Hondenbelasting: formulier alleen op papier');
  const queued = await newReport(meta, 'Nog in de wachtrij tijdens het zoeken');
  const bram = await apiSession('bram');
  await change(bram, rejected.id, { status: 'rejected', note: 'Afgeschaft per 2027.' });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, queued.reference).waitFor();
  assert.equal(await page.locator('#filter-status').inputValue(), 'new');

  await page.locator('#filter-q').fill(rejected.reference);
  await page.locator('#filter-q').press('Enter');
  await card(page, rejected.reference).waitFor();
  assert.equal(await page.locator('.rk-item').count(), 1);
  assert.equal(await page.locator('#filter-status').inputValue(), '', 'the form shows all statuses');
  assert.equal(new URL(page.url()).searchParams.get('status'), '', 'and so does the address');
  assert.equal(await page.locator('#rk-queue-summary').textContent(), `1 melding gevonden met kenmerk ${rejected.reference}, in alle statussen. Een kenmerk zoekt altijd in alle statussen.`);
  assert.match(await card(page, rejected.reference).locator('.rk-card__meta').textContent(), /Afgewezen/);

  // Typed as the reporter wrote it down, in an address with a status.
  const [, year, number] = /^RK-(\d{4})-0*(\d+)$/.exec(rejected.reference);
  await page.goto(`${env.server.url}/team?status=new&q=rk-${year}-${number}`);
  await card(page, rejected.reference).waitFor();
  assert.equal(await page.locator('#filter-status').inputValue(), '');
  assert.equal(new URL(page.url()).searchParams.get('status'), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a report that comes back into the queue live takes its place by age, as after a reload', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const oldest = await newReport(meta, 'Volgorde: de oudste, met een vraag aan de melder');
  const middle = await newReport(meta, 'Volgorde: de middelste');
  const newest = await newReport(meta, 'Volgorde: de nieuwste');
  const bram = await apiSession('bram');
  await change(bram, oldest.id, { status: 'needs_info', note: 'Om welk loket gaat het?' });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, newest.reference).waitFor();
  await page.locator('.rk-connection[data-state="open"]').waitFor();
  assert.equal(await card(page, oldest.reference).count(), 0);

  await reply(oldest, 'Het loket in het stadhuis.');
  await card(page, oldest.reference).waitFor({ timeout: 10_000 });
  const live = await page.locator('.rk-queue__list .rk-ref').allTextContents();
  assert.ok(live.indexOf(oldest.reference) < live.indexOf(middle.reference), `oldest first: ${live.join(', ')}`);
  await page.reload();
  await card(page, oldest.reference).waitFor();
  const reloaded = await page.locator('.rk-queue__list .rk-ref').allTextContents();
  assert.deepEqual(live, reloaded, 'the same order as after a reload');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a week that has not begun says so instead of showing this week’s queue; no ‘Volgende week’ after this week', async () => {
  ensureUsers();
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await page.locator('#rk-queue[aria-busy="false"]').waitFor();
  // This week: no step into the future.
  assert.equal(await page.locator('.rk-week-nav a[rel="next"]').count(), 0);
  assert.equal(await page.locator('.rk-week-nav a[rel="prev"]').count(), 1);
  const thisWeek = await page.locator('main').getAttribute('data-this-week');

  const loaded = [];
  page.on('request', (r) => {
    if (/\/api\/v1\/(triage|reports)/.test(r.url())) loaded.push(r.url());
  });
  await page.goto(`${env.server.url}/team?week=2099-W10`);
  const notice = page.locator('#rk-week-future');
  await notice.waitFor();
  assert.match(await notice.textContent(), /Week 10 is nog niet begonnen/);
  assert.match(await notice.textContent(), /Er zijn dus nog geen besluiten/);
  assert.equal(await notice.getByRole('link', { name: 'Naar het weekoverleg van deze week' }).getAttribute('href'), `/team?week=${thisWeek}`);
  for (const selector of ['#wachtrij', '#besluiten', '#blijven-liggen', '#rk-counts']) assert.equal(await page.locator(selector).isVisible(), false, `${selector} is not shown`);
  assert.equal(await page.getByText('Nieuwe meldingen en besluiten van anderen verschijnen vanzelf.').count(), 0);
  assert.equal(await page.locator('.rk-week-nav a[rel="next"]').count(), 0, 'no ‘Volgende week’ further into the future');
  assert.equal(await page.locator('.rk-week-nav a', { hasText: 'Deze week' }).getAttribute('href'), `/team?week=${thisWeek}`);
  assert.deepEqual(loaded, [], 'nothing of this week is loaded under a future week');
  await assertAccessible(page, '/team for a week that has not begun');

  // A past week still leads to the next one.
  await page.goto(`${env.server.url}/team?week=2020-W10`);
  assert.equal(await page.locator('.rk-week-nav a[rel="next"]').getAttribute('href'), '/team?week=2020-W11');
  assert.equal(await page.locator('#rk-week-future').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the note and the comment count their characters as the reporter’s pages do, and say their limit', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Lange teksten in het team');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);

  const comment = page.locator('.rk-comment-form textarea');
  const commentCount = page.locator('.rk-comment-form .rk-char-count');
  assert.equal(await commentCount.textContent(), 'Nog 5.000 tekens over');
  await comment.fill('Kort.');
  assert.equal(await commentCount.textContent(), 'Nog 4.995 tekens over');
  await comment.fill('x'.repeat(5010));
  assert.equal(await commentCount.textContent(), '10 tekens te veel');
  assert.match(await commentCount.getAttribute('class'), /rk-char-count--over/);
  await page.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  await page.locator('.rk-comment-form .utrecht-form-field-error-message', { hasText: 'Deze tekst is 10 tekens te lang: maximaal 5.000 tekens.' }).waitFor();
  assert.equal((await comment.inputValue()).length, 5010, 'the text is kept');

  const besluit = page.locator('#besluit');
  await besluit.getByRole('button', { name: 'Meer informatie vragen' }).click();
  assert.match(await besluit.locator('.utrecht-form-field-description').last().textContent(), /Maximaal 5\.000 tekens\./);
  const noteCount = besluit.locator('.rk-char-count');
  assert.equal(await noteCount.textContent(), 'Nog 5.000 tekens over');
  await besluit.locator('textarea[name="note"]').fill('y'.repeat(5001));
  assert.equal(await noteCount.textContent(), '1 teken te veel');
  await besluit.getByRole('button', { name: 'Besluit opslaan' }).click();
  await besluit.locator('.utrecht-form-field-error-message', { hasText: 'Deze tekst is 1 teken te lang: maximaal 5.000 tekens.' }).waitFor();
  await assertAccessible(page, '/team/reports/{id} with counters over their limit');
  assert.equal((await apiSession('bram').then((c) => c('GET', `/api/v1/reports/${created.id}`))).body.status, 'new', 'nothing was sent');
  assert.deepEqual(problems, []);
  await context.close();
});

test('another tab logging out or in as someone else: the open tab says which, and keeps the unsent text', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Gedeelde laptop in het weekoverleg');
  const context = await env.browser.newContext();
  const tab1 = await context.newPage();
  const problems = watchPage(tab1);
  await login(tab1, `/team/reports/${created.id}`);
  const textarea = tab1.locator('.rk-comment-form textarea');
  await textarea.fill('Anna: eerst navragen bij Stadsbeheer.');

  // Tab 2 logs out …
  const tab2 = await context.newPage();
  await tab2.goto(`${env.server.url}/team`);
  await Promise.all([tab2.waitForURL(/\/login/), tab2.getByRole('button', { name: 'Uitloggen' }).click()]);
  const alert = tab1.locator('#rk-alerts .rk-alert');
  await alert.filter({ hasText: 'U bent in een ander tabblad uitgelogd' }).waitFor();
  assert.match(await alert.textContent(), /Wat u hier typte, is nog niet verstuurd\. Het blijft in dit tabblad bewaard/);

  // … and Bram logs in there.
  await tab2.fill('#field-username', 'bram');
  await tab2.fill('#field-password', USERS.bram.password);
  await Promise.all([tab2.waitForURL((u) => u.pathname === '/team'), tab2.keyboard.press('Enter')]);
  await alert.filter({ hasText: 'In een ander tabblad is nu bram ingelogd' }).waitFor();
  assert.match(await alert.textContent(), /u werkt hier als anna/);
  await assertAccessible(tab1, '/team/reports/{id} after another member logged in elsewhere');

  // Saving from tab 1 says who is logged in now, sends nothing, and keeps the text.
  await tab1.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  const error = tab1.locator('.rk-comment-form .rk-form-error');
  await error.filter({ hasText: 'In een ander tabblad is nu bram ingelogd' }).waitFor();
  assert.match(await error.textContent(), /Als u de pagina opnieuw laadt, werkt u als bram en is deze tekst weg/);
  assert.equal(await textarea.inputValue(), 'Anna: eerst navragen bij Stadsbeheer.');
  const bram = await apiSession('bram');
  assert.equal((await bram('GET', `/api/v1/reports/${created.id}`)).body.comments.length, 0, 'nothing posted under either name');

  // Anna logs in again in tab 2: tab 1 can go on, and posts under her name.
  await Promise.all([tab2.waitForURL(/\/login/), tab2.getByRole('button', { name: 'Uitloggen' }).click()]);
  await tab2.fill('#field-username', 'anna');
  await tab2.fill('#field-password', USERS.anna.password);
  await Promise.all([tab2.waitForURL((u) => u.pathname === '/team'), tab2.keyboard.press('Enter')]);
  await tab1.locator('#rk-alerts .rk-alert--session').waitFor({ state: 'detached' });
  await tab1.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  await tab1.locator('.rk-comment--comment', { hasText: 'eerst navragen bij Stadsbeheer' }).waitFor();
  const comments = (await bram('GET', `/api/v1/reports/${created.id}`)).body.comments;
  assert.equal(comments.length, 1);
  assert.equal(comments[0].actor ?? comments[0].author, 'anna');

  // Logged out elsewhere, a save goes to the login page that says so, and the text comes back.
  await textarea.fill('Nog een opmerking van Anna.');
  await Promise.all([tab2.waitForURL(/\/login/), tab2.getByRole('button', { name: 'Uitloggen' }).click()]);
  await alert.filter({ hasText: 'U bent in een ander tabblad uitgelogd' }).waitFor();
  await Promise.all([tab1.waitForURL(/\/login\?/), tab1.getByRole('button', { name: 'Opmerking plaatsen' }).click()]);
  assert.equal(new URL(tab1.url()).searchParams.get('reden'), 'uitgelogd');
  await tab1.fill('#field-username', 'anna');
  await tab1.fill('#field-password', USERS.anna.password);
  await Promise.all([tab1.waitForURL((u) => u.pathname === `/team/reports/${created.id}`), tab1.keyboard.press('Enter')]);
  await textarea.waitFor();
  assert.equal(await textarea.inputValue(), 'Nog een opmerking van Anna.');
  assert.deepEqual(problems.filter((p) => !/403|401/.test(p)), []);
  await context.close();
});
