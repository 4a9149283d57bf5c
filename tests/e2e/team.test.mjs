// The triage team's pages in the browser: log in, decide on the queue by keyboard only (accept
// one report, reject another with a note), see a new report arrive live, get a Dutch
// explanation when someone else saved first (412) and save one's own change on top, the
// report page with history and comments, the printed minutes, logging out, and axe (WCAG 2.1
// A/AA) on /team and /team/reports/{id}.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './lib/axe.mjs';
import { createReport, fetchMeta, focused, tabTo, useServerAndBrowser, watchPage } from './lib/server.mjs';
import { teamMembers } from './lib/team.mjs';

const env = useServerAndBrowser();
const USERS = {
  anna: { password: 'anna-wachtwoord-2026', role: 'triager' },
  bram: { password: 'bram-wachtwoord-2026', role: 'triager' },
  mia: { password: 'mia-wachtwoord-2026', role: 'manager' },
};
const { ensureUsers, login, apiSession } = teamMembers(env, USERS);

let counter = 0;
async function newReport(meta, title, extra = {}) {
  counter += 1;
  return createReport(env.server.url, {
    title,
    procedure: `Procedure ${counter}`,
    description: `Wat er misgaat bij melding ${counter}: <b>vet</b> & <script>alert("x")</script>`,
    department: meta.departments[counter % meta.departments.length].key,
    category: meta.categories[counter % meta.categories.length].key,
    ...extra,
  });
}

function card(page, reference) {
  return page.locator('.rk-item', { has: page.locator('.rk-ref', { hasText: reference }) });
}

test('a triager decides on the queue by keyboard only', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const first = await newReport(meta, 'Parkeervergunning kan alleen op papier');
  const second = await newReport(meta, 'Verhuizing doorgeven kost drie loketbezoeken');
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, second.reference).waitFor();
  assert.match(await page.title(), /^Weekoverleg week \d+, \d{4}/);

  // The queue is oldest first, with the age in days.
  const refs = await page.locator('.rk-queue__list .rk-ref').allTextContents();
  assert.ok(refs.indexOf(first.reference) < refs.indexOf(second.reference), `oldest first: ${refs.join(', ')}`);
  assert.match(await card(page, first.reference).locator('.rk-age').textContent(), /oud/);
  // Stored text is text: the description's markup shows as characters.
  assert.match(await card(page, first.reference).locator('.rk-card__excerpt').textContent(), /<script>alert\("x"\)<\/script>/);

  // Accept the first report: Tab to its button, Enter, (optional note), Tab to save, Enter.
  const acceptFirst = `.rk-item[data-id="${first.id}"] .rk-decide__button[data-to="accepted"]`;
  await tabTo(page, acceptFirst, 80);
  await page.keyboard.press('Enter');
  assert.match(await focused(page), /^#rk-decide-\d+-note$/, 'the form opens with the focus in its first field');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Besluit opslaan');
  await page.keyboard.press('Enter');
  await card(page, first.reference).waitFor({ state: 'detached' });
  await page.locator('#rk-live', { hasText: `${first.reference}: besluit opgeslagen` }).waitFor();
  // The focus moves on to the next report in the queue.
  assert.equal(await page.evaluate(() => document.activeElement.closest('.rk-item')?.dataset.id), String(second.id));

  // Reject the second: the note is required, and asked for in place.
  const rejectSecond = `.rk-item[data-id="${second.id}"] .rk-decide__button[data-to="rejected"]`;
  await tabTo(page, rejectSecond, 10);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // skip the empty note …
  await page.keyboard.press('Enter'); // … and try to save
  const error = card(page, second.reference).locator('.utrecht-form-field-error-message');
  await error.waitFor();
  assert.match(await error.textContent(), /Schrijf de reden op/);
  assert.match(await focused(page), /-note$/, 'the focus goes to the field that needs attention');
  await page.keyboard.type('Dit regelt het Rijk; de gemeente kan hier niets aan veranderen.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await card(page, second.reference).waitFor({ state: 'detached' });

  // Both decisions are in the week's list, with who, what and the note.
  const rows = page.locator('.rk-minutes tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('.rk-minutes tbody tr').length >= 2);
  const text = await rows.allTextContents();
  assert.ok(text.some((t) => t.includes(first.reference) && t.includes('Nieuw → Geaccepteerd') && t.includes('anna')), text.join('\n'));
  assert.ok(text.some((t) => t.includes(second.reference) && t.includes('Nieuw → Afgewezen') && t.includes('de gemeente kan hier niets')), text.join('\n'));

  // And the server agrees.
  const bram = await apiSession('bram');
  assert.equal((await bram('GET', `/api/v1/reports/${first.id}`)).body.status, 'accepted');
  const rejected = (await bram('GET', `/api/v1/reports/${second.id}`)).body;
  assert.equal(rejected.status, 'rejected');
  const event = rejected.history.find((e) => e.type === 'status');
  assert.equal(event.actor, 'anna');
  assert.match(event.note, /niets aan veranderen/);

  assert.deepEqual(problems, []);
  await context.close();
});

test('a new report appears in the queue without reloading, announced politely', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await page.locator('.rk-connection[data-state="open"]').waitFor();
  await page.evaluate(() => {
    window.rkNotReloaded = true;
  });
  const created = await newReport(meta, 'Nieuw: <i>subsidieformulier</i> vraagt twee keer hetzelfde');
  const item = card(page, created.reference);
  await item.waitFor({ timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.rkNotReloaded), true, 'the page was not reloaded');
  assert.match(await item.locator('.rk-card__title').textContent(), /<i>subsidieformulier<\/i>/, 'the title is text, not markup');
  assert.equal(await page.locator('#rk-live').getAttribute('aria-live'), 'polite');
  await page.locator('#rk-live', { hasText: `Nieuwe melding in de wachtrij: ${created.reference}` }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('resolving with "Uitgelegd, regel blijft" asks for the explanation the reporter will read', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Leges voor een tweede uittreksel');
  const bram = await apiSession('bram');
  const before = await bram('GET', `/api/v1/reports/${created.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${created.id}`, { status: 'accepted' }, { 'if-match': before.etag })).status, 200);

  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  await page.locator('#besluit').getByRole('button', { name: 'Oplossen', exact: true }).click();
  const form = page.locator('#besluit form[data-to="resolved"]');
  const noteLabel = form.locator('label[for$="-note"] .rk-required');
  assert.equal((await noteLabel.textContent()).trim(), '(niet verplicht)');
  await form.locator('select[name="outcome"]').selectOption('explained');
  assert.equal((await noteLabel.textContent()).trim(), '(verplicht)', 'the label says the note is needed now');
  assert.equal((await form.locator('label[for$="-note"]').textContent()).trim(), 'Uitleg aan de melder: waarom blijft de regel? (verplicht)',
    'the label asks for what the error message will ask for');
  await form.locator('select[name="outcome"]').selectOption('rule_changed');
  assert.equal((await form.locator('label[for$="-note"]').textContent()).trim(), 'Wat is er veranderd of afgesproken? (niet verplicht)');
  await form.locator('select[name="outcome"]').selectOption('explained');
  assert.equal(await form.locator('textarea[name="note"]').getAttribute('aria-required'), 'true');
  await form.getByRole('button', { name: 'Besluit opslaan' }).click();
  await form.getByText('Schrijf de uitleg aan de melder op').first().waitFor();
  assert.equal(await form.locator('textarea[name="note"]').getAttribute('aria-invalid'), 'true');
  assert.equal((await bram('GET', `/api/v1/reports/${created.id}`)).body.status, 'accepted', 'nothing was saved');

  await form.locator('textarea[name="note"]').fill('De wet schrijft de leges voor; we leggen uit waarom.');
  await form.getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#rk-live', { hasText: 'Besluit opgeslagen.' }).waitFor();
  const after = (await bram('GET', `/api/v1/reports/${created.id}`)).body;
  assert.equal(after.status, 'resolved');
  assert.equal(after.outcome, 'explained');
  assert.equal(after.history.at(-1).note, 'De wet schrijft de leges voor; we leggen uit waarom.');
  assert.deepEqual(problems, []);
  await context.close();
});

test('when someone else saved first, the page explains it in Dutch and one can save again', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Bewijsstukken drie keer opnieuw aanleveren');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  await page.locator('#besluit .rk-decide__assign').waitFor();

  // Anna opens the assignment form and fills it in …
  await page.locator('#besluit .rk-decide__assign').click();
  // Her own name is offered ("assign to me"), so that one colleague does not get two spellings.
  assert.equal(await page.locator('#besluit datalist option[value="anna"]').count(), 1);
  await page.locator('#besluit input[name="assignee"]').fill('anna');
  await page.locator('#besluit select[name="priority"]').selectOption('high');

  // … while Bram, elsewhere, sets the priority to urgent first.
  const bram = await apiSession('bram');
  const current = await bram('GET', `/api/v1/reports/${created.id}`);
  const changed = await bram('PATCH', `/api/v1/reports/${created.id}`, { priority: 'urgent', assignee: 'bram' }, { 'if-match': current.etag });
  assert.equal(changed.status, 200);

  await page.locator('#besluit button[type="submit"]').click();
  const conflict = page.locator('#besluit .rk-conflict__alert');
  await conflict.waitFor();
  const explanation = await conflict.textContent();
  assert.match(explanation, /Iemand anders was u voor/);
  assert.match(explanation, /Deze melding is gewijzigd door bram, nadat u hem opende/);
  assert.match(explanation, /Prioriteit: Normaal → Urgent/);
  assert.match(explanation, /Toegewezen aan: \(leeg\) → bram/);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Iemand anders was u voor', 'the explanation takes the focus');
  // What Anna filled in is still there.
  assert.equal(await page.locator('#besluit input[name="assignee"]').inputValue(), 'anna');
  await assertAccessible(page, '/team/reports/{id} with a conflict');

  // She saves her own change on top of Bram's.
  await conflict.getByRole('button', { name: 'Mijn wijziging opnieuw opslaan' }).click();
  await conflict.waitFor({ state: 'detached' });
  const after = (await bram('GET', `/api/v1/reports/${created.id}`)).body;
  assert.equal(after.priority, 'high');
  assert.equal(after.assignee, 'anna');

  // Again, but now Anna only changes who picks it up while Bram changes the priority: saving
  // again sends only her field, so Bram's priority stays.
  await page.locator('#besluit .rk-decide__assign').click();
  await page.locator('#besluit input[name="assignee"]').fill('chantal');
  const now = await bram('GET', `/api/v1/reports/${created.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${created.id}`, { priority: 'low' }, { 'if-match': now.etag })).status, 200);
  await page.locator('#besluit button[type="submit"]').click();
  await conflict.waitFor();
  // The field she left alone now shows Bram's value.
  assert.equal(await page.locator('#besluit select[name="priority"]').inputValue(), 'low');
  await conflict.getByRole('button', { name: 'Mijn wijziging opnieuw opslaan' }).click();
  await conflict.waitFor({ state: 'detached' });
  const last = (await bram('GET', `/api/v1/reports/${created.id}`)).body;
  assert.equal(last.assignee, 'chantal');
  assert.equal(last.priority, 'low', 'Bram\'s priority was not overwritten');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the report page: whole report, comments and history; logging out', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const earlier = await newReport(meta, 'Bijstandsformulier telt twaalf pagina’s');
  const created = await newReport(meta, 'Bijstandsformulier is te lang en te moeilijk', {
    impact: 'Inwoners haken af.',
    suggestion: 'Maak het formulier korter.',
    reporter_name: 'Els de Vries',
    reporter_email: 'els@denhaag.nl',
  });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  await page.locator('.rk-history__list').waitFor();
  assert.match(await page.title(), new RegExp(`^${created.reference}: Bijstandsformulier is te lang`));
  const body = await page.locator('#rk-report').textContent();
  for (const text of ['Inwoners haken af.', 'Maak het formulier korter.', 'Els de Vries', 'els@denhaag.nl', 'Melding ontvangen']) {
    assert.ok(body.includes(text), `the page shows “${text}”`);
  }
  const similar = await page.locator('#vergelijkbaar').textContent();
  assert.ok(similar.includes(earlier.reference), 'the similar report is listed');

  // A comment for the reporter, by keyboard.
  await page.locator('.rk-comment-form textarea').focus();
  await page.keyboard.type('Wij nemen contact op met <de afdeling>.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // the second radio button: visible to the reporter
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const comment = page.locator('.rk-comment--comment');
  await comment.waitFor();
  assert.match(await comment.textContent(), /Wij nemen contact op met <de afdeling>\./);
  assert.match(await comment.textContent(), /Zichtbaar voor de melder/);
  await page.locator('.rk-history__item--comment').waitFor();
  // The focus is on the new comment (not lost on <body>), success is announced, and the next
  // comment is internal again unless chosen otherwise.
  await page.waitForFunction(() => document.activeElement?.matches('.rk-comment--comment'));
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Wij nemen contact op/);
  await page.locator('#rk-live', { hasText: 'Opmerking geplaatst; de melder kan hem lezen' }).waitFor();
  assert.equal(await page.locator('.rk-comment-form input[value="internal"]').isChecked(), true);
  assert.equal(await page.locator('.rk-comment-form input[value="reporter"]').isChecked(), false);
  await page.locator('.rk-comment-form textarea').fill('Alleen voor ons: Publiekszaken bellen.');
  await page.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  const internal = page.locator('.rk-comment--comment', { hasText: 'Alleen voor ons' });
  await internal.waitFor();
  assert.match(await internal.textContent(), /Intern/);
  await page.waitForFunction(() => document.activeElement?.textContent.includes('Alleen voor ons'));

  // Mark it as a duplicate of the similar report (the form is filled in from the list).
  await page.locator('.rk-similar__item', { hasText: earlier.reference }).getByRole('button', { name: /Markeer als dubbel/ }).click();
  assert.equal(await page.locator('#besluit input[name="duplicate_of"]').inputValue(), earlier.reference);
  await page.locator('#besluit button[type="submit"]').click();
  await page.locator('.rk-history__item--status', { hasText: 'Dubbele melding' }).waitFor();
  // Named by its reference, never by the internal id.
  assert.match(await page.locator('.rk-report-facts').textContent(), new RegExp(`Dubbel van\\s*${earlier.reference}`));
  assert.match(await page.locator('.rk-history__list').textContent(), new RegExp(`dubbel van ${earlier.reference}`));

  // Logging out ends the session and shows the login page.
  await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: 'Uitloggen' }).click()]);
  const res = await page.request.get(`${env.server.url}/api/v1/session`);
  assert.equal(res.status(), 401);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a comment typed when the session ended is kept through the new login', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Parkeervergunning vraagt drie keer om hetzelfde bewijs');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await login(page, `/team/reports/${created.id}`);
  const textarea = page.locator('.rk-comment-form textarea');
  await textarea.fill('Navragen bij Publiekszaken wie dit bewijs nog nodig heeft.');
  await page.locator('.rk-comment-form input[value="reporter"]').check();

  // The session ends meanwhile (here: the cookie is gone); posting leads to the login page.
  await context.clearCookies();
  await Promise.all([page.waitForURL(/\/login\?next=/), page.getByRole('button', { name: 'Opmerking plaatsen' }).click()]);
  // The login page says why.
  assert.equal(new URL(page.url()).searchParams.get('reden'), 'verlopen');
  assert.match(await page.locator('#rk-login-notice').textContent(), /sessie is verlopen/);
  await page.fill('#field-username', 'anna');
  await page.fill('#field-password', USERS.anna.password);
  await Promise.all([page.waitForURL((u) => u.pathname === `/team/reports/${created.id}`), page.keyboard.press('Enter')]);

  // Back on the report: the comment and its choice are there, with a word of explanation.
  await textarea.waitFor();
  assert.equal(await textarea.inputValue(), 'Navragen bij Publiekszaken wie dit bewijs nog nodig heeft.');
  assert.equal(await page.locator('.rk-comment-form input[value="reporter"]').isChecked(), true);
  await page.locator('.rk-draft-note').waitFor();
  // The page says at the top that the work was kept.
  assert.match(await page.locator('#rk-alerts').textContent(), /Uw werk is bewaard.*Uw opmerking van daarnet is bewaard/);
  await page.getByRole('button', { name: 'Opmerking plaatsen' }).click();
  await page.locator('.rk-comment--comment', { hasText: 'Navragen bij Publiekszaken' }).waitFor();
  assert.equal(await page.locator('.rk-draft-note').count(), 0);

  // Posted: nothing is kept any more.
  await page.reload();
  await textarea.waitFor();
  assert.equal(await textarea.inputValue(), '');
  assert.equal(await page.locator('.rk-draft-note').count(), 0);
  await context.close();
});

test('text kept when a session ended is not shown to someone else who logs in on that tab', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Verhuizing vraagt een handtekening op papier');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  const textarea = page.locator('.rk-comment-form textarea');
  await textarea.fill('Intern: eerst met de teamleider van Burgerzaken bespreken.');
  await page.locator('#besluit .rk-decide__button[data-to="rejected"]').click();
  await page.locator('#besluit textarea[name="note"]').fill('Concept van Anna');

  // Anna's session ends; Bram logs in on the same tab (the shared laptop in the weekly meeting).
  await context.clearCookies();
  await Promise.all([page.waitForURL(/\/login\?next=/), page.getByRole('button', { name: 'Opmerking plaatsen' }).click()]);
  await page.fill('#field-username', 'bram');
  await page.fill('#field-password', USERS.bram.password);
  await Promise.all([page.waitForURL((u) => u.pathname === `/team/reports/${created.id}`), page.keyboard.press('Enter')]);
  await page.locator('#besluit .rk-decide__button').first().waitFor();
  await textarea.waitFor();
  assert.equal(await textarea.inputValue(), '', "Anna's comment is not in Bram's form");
  assert.equal(await page.locator('.rk-draft-note').count(), 0);
  assert.equal(await page.locator('#besluit form').count(), 0, "Anna's decision does not open for Bram");
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => /^rk-(comment|decision)-draft:/.test(k))), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a decision being written when the session ended opens again after the new login', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Drie formulieren voor één verhuizing');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  await page.locator('#besluit .rk-decide__button[data-to="rejected"]').click();
  const note = '#besluit textarea[name="note"]';
  await page.locator(note).fill('Geen belemmering: de drie formulieren zijn samengevoegd in het nieuwe loket.');

  // The session ends meanwhile; saving leads to the login page and back.
  await context.clearCookies();
  await Promise.all([page.waitForURL(/\/login\?next=/), page.getByRole('button', { name: 'Besluit opslaan' }).click()]);
  assert.equal(new URL(page.url()).searchParams.get('reden'), 'verlopen');
  assert.match(await page.locator('#rk-login-notice').textContent(), /sessie is verlopen/);
  await page.fill('#field-username', 'anna');
  await page.fill('#field-password', USERS.anna.password);
  await Promise.all([page.waitForURL((u) => u.pathname === `/team/reports/${created.id}`), page.keyboard.press('Enter')]);

  // The same decision is open again, with the text and a word of explanation.
  await page.locator('#besluit .rk-draft-note').waitFor();
  assert.match(await page.locator('#rk-alerts').textContent(), /Uw werk is bewaard.*Uw besluit van daarnet is bewaard/);
  assert.equal(await page.locator(note).inputValue(), 'Geen belemmering: de drie formulieren zijn samengevoegd in het nieuwe loket.');
  assert.equal(await page.locator('#besluit form').getAttribute('data-to'), 'rejected');
  await page.getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('#besluit .rk-draft-note').waitFor({ state: 'detached' });
  const stored = await (await fetch(`${env.server.url}/api/v1/track/${created.tracking_token}`)).json();
  assert.equal(stored.status, 'rejected');

  // Saved: nothing opens by itself any more.
  await page.reload();
  await page.locator('#besluit .rk-decide__button').first().waitFor();
  assert.equal(await page.locator('#besluit form').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('filters and full-text search, kept in the address; Back restores the queue', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const wanted = await newReport(meta, 'Reëel probleem met het leerlingenvervoer');
  const other = await newReport(meta, 'Iets heel anders over afvalpassen');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, other.reference).waitFor();

  await page.locator('#filter-status').selectOption('');
  await page.locator('#filter-q').fill('reeel leerlingenvervoer');
  await page.locator('#filter-q').press('Enter');
  await page.waitForURL(/[?&]q=reeel\+leerlingenvervoer/);
  await card(page, other.reference).waitFor({ state: 'detached' });
  await card(page, wanted.reference).waitFor();
  assert.match(await page.locator('#rk-queue-summary').textContent(), /1 melding gevonden met alle statussen, zoekterm ‘reeel leerlingenvervoer’/);

  await page.goBack();
  await card(page, other.reference).waitFor();
  assert.equal(await page.locator('#filter-q').inputValue(), '');
  assert.equal(await page.locator('#filter-status').inputValue(), 'new');

  // Filtered again, the count at the top is still the week's queue; a report opened from the
  // list leads back to the list as it was, filters and search included.
  await page.locator('#filter-status').selectOption('');
  await page.locator('#filter-q').fill('leerlingenvervoer');
  await page.locator('#filter-q').press('Enter');
  await card(page, other.reference).waitFor({ state: 'detached' });
  await page.waitForFunction(() => /^\d+\+?$/.test(document.getElementById('rk-count-queue').textContent));
  const filtered = page.url();
  await card(page, wanted.reference).locator('a[href^="/team/reports/"]').first().click();
  await page.waitForURL(/\/team\/reports\/\d+$/);
  await page.locator('#rk-back').click();
  await page.waitForURL(filtered);
  await card(page, wanted.reference).waitFor();
  assert.equal(await page.locator('#filter-q').inputValue(), 'leerlingenvervoer');
  assert.equal(await page.locator('#filter-status').inputValue(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('at 320 px with WCAG 1.4.12 text spacing the report page does not scroll sideways', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Parkeervergunning');
  // (bypassCSP: the test adds the text spacing as a user style sheet would; the page's CSP forbids inline styles)
  const context = await env.browser.newContext({ viewport: { width: 320, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  await page.locator('#rk-report-title', { hasText: created.reference }).waitFor();
  await page.addStyleTag({ content: '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-block-end: 2em !important; }' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the report page is ${overflow} px wider than a 320 px window`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a past week speaks in the past tense', async () => {
  ensureUsers();
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, '/team?week=2020-W10');
  const decisions = page.locator('#besluiten');
  assert.match(await decisions.locator('.rk-section__intro').textContent(), /^Wat het team in week 10 besloot\./);
  await decisions.getByText('Geen besluiten in week 10.').waitFor();
  await page.getByText('Niets bleef liggen: bij alle lopende meldingen was in de vier weken voor het einde van week 10 iets gebeurd.').waitFor();
  assert.equal(await page.getByText(/deze week besloot|Nog geen besluiten|afgelopen vier weken/).count(), 0);
  // The counts and the queue's summary too; no promise of new reports arriving in a past week.
  assert.equal((await page.locator('#rk-counts').textContent()).replace(/\s+/g, ' ').trim(), '0 in de wachtrij 0 besluiten 0 bleven liggen');
  assert.equal(await page.locator('#rk-queue-summary').textContent(), 'Aan het einde van die week wachtte geen melding op een besluit.');
  assert.equal(await page.getByText(/Nieuwe meldingen/).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a decision without an answer from the server says so after 15 s, keeps the text and sends nothing again', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Server bevroren tijdens het besluit');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  // The server takes the request but does not answer (as when it is stopped with SIGSTOP).
  const held = [];
  await page.route(`**/api/v1/reports/${created.id}`, (route) => {
    if (route.request().method() === 'PATCH') held.push(route);
    else route.continue();
  });
  await page.locator('#besluit').getByRole('button', { name: 'Afwijzen', exact: true }).click();
  const form = page.locator('#besluit form[data-to="rejected"]');
  await form.locator('textarea[name="note"]').fill('Valt buiten de gemeente.');
  await form.getByRole('button', { name: 'Besluit opslaan' }).click();
  const alert = form.locator('.rk-slow');
  await alert.waitFor({ timeout: 20_000 });
  assert.match(await alert.textContent(), /De server antwoordt nog niet/);
  assert.match(await alert.textContent(), /Misschien is het opslaan toch gelukt/);
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.equal(await form.locator('textarea[name="note"]').inputValue(), 'Valt buiten de gemeente.', 'the text stays');
  assert.equal(held.length, 1, 'nothing is sent again');
  assert.ok(await form.getByRole('button', { name: 'Pagina opnieuw laden' }).isVisible());
  await assertAccessible(page, '/team/reports/{id} with a save that has no answer yet');
  // The answer comes after all: the decision is saved and the warning goes.
  await held[0].continue();
  await page.locator('#rk-live', { hasText: 'Besluit opgeslagen.' }).waitFor();
  assert.equal(await page.locator('.rk-slow').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a manager reads reports without reporter identity and without decision controls', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Alleen lezen voor managers', { reporter_name: 'Geheime Naam', reporter_email: 'geheim@denhaag.nl' });
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, '/team', 'mia');
  await card(page, created.reference).waitFor();
  assert.equal(await page.locator('.rk-decide__button').count(), 0, 'no decisions for managers');
  await page.goto(`${env.server.url}/team/reports/${created.id}`);
  await page.locator('.rk-history__list').waitFor();
  const text = await page.locator('main').textContent();
  assert.ok(!text.includes('Geheime Naam') && !text.includes('geheim@denhaag.nl'), 'no reporter identity for managers');
  assert.equal(await page.locator('#besluit').count(), 0);
  assert.equal(await page.locator('.rk-comment-form').count(), 0);
  await assertAccessible(page, '/team/reports/{id} for a manager');
  assert.deepEqual(problems, []);
  await context.close();
});

test('printing /team gives the minutes: the week and its decisions, no controls', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  await newReport(meta, 'Nog in de wachtrij bij het afdrukken');
  const decided = await newReport(meta, 'Besloten voor het afdrukken: evenementenvergunning');
  const bram = await apiSession('bram');
  const before = await bram('GET', `/api/v1/reports/${decided.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${decided.id}`, { status: 'accepted' }, { 'if-match': before.etag })).status, 200);
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await login(page);
  await page.locator('.rk-minutes').waitFor();
  // Date and time joined with "om", as everywhere ("1 dec om 10:28").
  const times = await page.locator('.rk-minutes__at time').allTextContents();
  assert.ok(times.length > 0);
  for (const t of times) assert.match(t.trim(), /^\d{1,2} \S+ om \d\d:\d\d$/);
  await page.emulateMedia({ media: 'print' });
  for (const selector of ['.rk-usernav', '.rk-week-nav', '#rk-filters', '#wachtrij', '#blijven-liggen', '.rk-toolbar', '.rk-footer']) {
    assert.equal(await page.locator(selector).first().isVisible(), false, `${selector} is not printed`);
  }
  assert.equal(await page.locator('h1').isVisible(), true);
  assert.match(await page.locator('h1').textContent(), /^Weekoverleg week \d+/);
  assert.equal(await page.locator('.rk-minutes').isVisible(), true);
  const headers = await page.locator('.rk-minutes thead th').allTextContents();
  assert.deepEqual(headers, ['Kenmerk', 'Titel', 'Besluit', 'Toelichting', 'Wie', 'Wanneer']);
  // On A4 the title column is wide enough for a long Dutch word: it is not broken in the middle.
  await page.setViewportSize({ width: 680, height: 960 });
  const lines = await page.locator('.rk-minutes__title', { hasText: 'evenementenvergunning' }).evaluate((cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent.indexOf('evenementenvergunning');
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 'evenementenvergunning'.length);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }
    return -1;
  });
  const widths = await page.locator('.rk-minutes thead th').evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().width)));
  assert.equal(lines, 1, `the word stays on one line (column widths ${widths.join(', ')} px)`);
  // Nothing runs out of its cell into the next one (a reference stays on one line).
  const overflowing = await page.locator('.rk-minutes td').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.className));
  assert.deepEqual(overflowing, [], `column widths ${widths.join(', ')} px`);
  await context.close();
});

for (const viewport of [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`the team pages have no WCAG 2.1 AA violations at ${viewport.width}px`, async (t) => {
    ensureUsers();
    const meta = await fetchMeta(env.server.url);
    const created = await newReport(meta, `Toegankelijkheid ${viewport.width}`, { reporter_name: 'Piet' });
    const context = await env.browser.newContext({ viewport });
    const page = await context.newPage();
    const problems = watchPage(page);
    await login(page);
    await card(page, created.reference).waitFor();

    await t.test('/team with the queue, decisions and stale items', async () => {
      await assertAccessible(page, '/team');
    });
    await t.test('/team with a decision form open and an error in it', async () => {
      await card(page, created.reference).locator('.rk-decide__button[data-to="wont_fix"], .rk-decide__button[data-to="rejected"]').first().click();
      await card(page, created.reference).getByRole('button', { name: /opslaan$/ }).click();
      await card(page, created.reference).locator('.utrecht-form-field-error-message').waitFor();
      await assertAccessible(page, '/team with an open decision form');
    });
    await t.test('/team with filters', async () => {
      await page.goto(`${env.server.url}/team?status=&q=toegankelijkheid`);
      await page.locator('#rk-queue[aria-busy="false"]').waitFor();
      await assertAccessible(page, '/team with filters');
    });
    await t.test('/team/reports/{id}', async () => {
      await page.goto(`${env.server.url}/team/reports/${created.id}`);
      await page.locator('.rk-history__list').waitFor();
      await assertAccessible(page, '/team/reports/{id}');
    });
    await t.test('/team/reports/{id} for a report that does not exist', async () => {
      await page.goto(`${env.server.url}/team/reports/999999`);
      await page.locator('h1', { hasText: 'Melding niet gevonden' }).waitFor();
      await assertAccessible(page, '/team/reports/999999');
    });
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a reply by the reporter to a report outside the queue is listed for the team', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Aanvulling na acceptatie');
  const call = await apiSession('anna');
  assert.equal((await call('PATCH', `/api/v1/reports/${created.id}`, { status: 'accepted' }, { 'if-match': '"1"' })).status, 200);
  const reply = await fetch(`${env.server.url}/api/v1/track/${created.tracking_token}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'Het formulier is inmiddels ook veranderd.' }),
  });
  assert.equal(reply.status, 201);
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  const item = page.locator('#rk-replies .rk-stale__item', { hasText: created.reference });
  await item.waitFor();
  assert.equal(await item.getByRole('link').getAttribute('href'), `/team/reports/${created.id}#opmerkingen`);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Asks for more information (needs_info) as Bram, then the reporter answers on the tracking page's API. */
async function askAndAnswer(call, report, answer) {
  const current = await call('GET', `/api/v1/reports/${report.id}`);
  const asked = await call('PATCH', `/api/v1/reports/${report.id}`, { status: 'needs_info', note: 'Welk formulier bedoelt u?' }, { 'if-match': current.etag });
  assert.equal(asked.status, 200);
  if (answer === undefined) return;
  const reply = await fetch(`${env.server.url}/api/v1/track/${report.tracking_token}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: answer }),
  });
  assert.equal(reply.status, 201);
}

test('a report the reporter answered stands out in the queue, also when it comes back live', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const plain = await newReport(meta, 'Gewone nieuwe melding zonder vraag');
  const answered = await newReport(meta, 'Formulier vraagt een uittreksel dat niet meer bestaat');
  const later = await newReport(meta, 'Aanvraag gehandicaptenparkeerkaart duurt maanden');
  const bram = await apiSession('bram');
  await askAndAnswer(bram, answered, 'Het gaat om formulier B12, blad 2.');
  await askAndAnswer(bram, later);
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, plain.reference).waitFor();

  // The answered report says so on its card, in words (read out with the card), with a way to the answer.
  const notice = card(page, answered.reference).locator('.rk-answered');
  await notice.waitFor();
  assert.match(await notice.textContent(), /Aangevuld door de melder/);
  assert.match(await notice.textContent(), /De melder heeft de gevraagde informatie gestuurd op \d+ \w+ \d{4} om \d\d:\d\d\./);
  assert.match(await notice.locator('time').getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  const link = notice.getByRole('link', { name: `Lees de aanvulling bij ${answered.reference}` });
  assert.equal(await link.getAttribute('href'), `/team/reports/${answered.id}#opmerkingen`);
  assert.equal(await card(page, plain.reference).locator('.rk-answered').isVisible(), false, 'a plain new report has no such notice');

  // One waiting for its answer comes back into the queue live when the reporter replies, marked.
  await page.locator('.rk-connection[data-state="open"]').waitFor();
  assert.equal(await card(page, later.reference).count(), 0);
  const reply = await fetch(`${env.server.url}/api/v1/track/${later.tracking_token}/replies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: 'Sinds maart wacht ik al.' }),
  });
  assert.equal(reply.status, 201);
  await card(page, later.reference).locator('.rk-answered').waitFor({ timeout: 10_000 });
  await page.locator('#rk-live', { hasText: `${later.reference} staat weer in de wachtrij: de melder heeft de gevraagde informatie gestuurd` }).waitFor();
  await assertAccessible(page, '/team with an answered report');

  // The link leads to the answer.
  await link.click();
  await page.locator('.rk-comment--reply', { hasText: 'Het gaat om formulier B12' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('right-to-left override characters in what reporters typed never reorder the interface', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const RLO = '\u202E';
  const reversed = await newReport(meta, `Kwijtscheldingsformulier ${RLO}onleesbaar voor inwoners`);
  const other = await newReport(meta, 'Kwijtscheldingsformulier onleesbaar en veel te lang');
  const bram = await apiSession('bram');
  // Reversed text in a decision note and an assignee as well.
  let current = await bram('GET', `/api/v1/reports/${reversed.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${reversed.id}`, { assignee: `bram${RLO}x` }, { 'if-match': current.etag })).status, 200);
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = watchPage(page);

  /** The interface element lies wholly after (to the right of) every piece of the typed text before it. */
  const assertAfter = async (scope, textSelector, uiSelector, what) => {
    const result = await scope.evaluate(
      (el, [textSel, uiSel]) => {
        const text = el.querySelector(textSel);
        const ui = el.querySelector(uiSel);
        const range = document.createRange();
        range.selectNodeContents(text);
        const rightmost = Math.max(...[...range.getClientRects()].map((r) => r.right));
        return { rightmost, left: ui.getBoundingClientRect().left };
      },
      [textSelector, uiSelector],
    );
    assert.ok(result.left >= result.rightmost - 0.5, `${what}: the interface (x=${result.left}) sits inside the reversed text (to x=${result.rightmost})`);
  };

  await login(page, `/team/reports/${other.id}`);
  const item = page.locator('.rk-similar__item', { hasText: reversed.reference });
  await item.waitFor();
  await assertAfter(item, 'a', '.rk-status', 'similar reports: the status badge');
  await assertAfter(item, 'a', '.rk-similar__mark', 'similar reports: the duplicate button');

  // The report's own page: the title is isolated in the heading and the window title.
  await page.goto(`${env.server.url}/team/reports/${reversed.id}`);
  await page.locator('.rk-history__list').waitFor();
  assert.equal(await page.locator('#rk-report-title bdi').textContent(), `Kwijtscheldingsformulier ${RLO}onleesbaar voor inwoners`);
  const title = await page.title();
  assert.ok(title.includes(`\u2068Kwijtscheldingsformulier ${RLO}onleesbaar voor inwoners\u2069`), 'the window title isolates the reversed text');
  assert.equal(await page.locator('.rk-report-facts bdi', { hasText: 'bram' }).count(), 1, 'the assignee is isolated');

  // The queue card: every typed text isolated from the facts and buttons beside it.
  await page.goto(`${env.server.url}/team`);
  const queued = card(page, reversed.reference);
  await queued.waitFor();
  const isolatedEverywhere = await queued.evaluate((el, rlo) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const loose = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.data.includes(rlo)) continue;
      const holder = n.parentElement;
      const style = getComputedStyle(holder);
      const isolating = holder.tagName === 'BDI' || /isolate/.test(style.unicodeBidi) || holder.hasAttribute('dir');
      if (!isolating) loose.push(holder.outerHTML.slice(0, 80));
    }
    return loose;
  }, RLO);
  assert.deepEqual(isolatedEverywhere, [], 'no reporter text with an override outside an isolating element');

  // And in the week's decisions and the stale list's neighbour: reject it, then look at the row.
  current = await bram('GET', `/api/v1/reports/${reversed.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${reversed.id}`, { status: 'rejected', note: `Geen belemmering ${RLO}zie hieronder` }, { 'if-match': current.etag })).status, 200);
  await page.reload();
  const row = page.locator('.rk-minutes tbody tr', { hasText: reversed.reference });
  await row.waitFor();
  assert.equal(await row.locator('.rk-minutes__title bdi').count(), 1);
  assert.equal(await row.locator('.rk-minutes__note bdi').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a decision text survives Escape, Annuleren and switching to another decision; only saving or ‘Tekst wissen’ forgets it', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Zes handtekeningen voor één bewonersvergunning');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page, `/team/reports/${created.id}`);
  const button = (to) => page.locator(`#besluit .rk-decide__button[data-to="${to}"]`);
  const note = page.locator('#besluit textarea[name="note"]');
  const stored = () => page.evaluate((id) => sessionStorage.getItem(`rk-decision-draft:${id}`), created.id);
  const reason = 'De handtekeningen komen uit de landelijke regeling; daar kunnen wij niets aan doen.';

  // Escape closes the form but keeps the text; the button says so, and the text comes back.
  await button('rejected').click();
  await note.fill(reason);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#besluit form').count(), 0);
  assert.match(await focused(page), /./);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.to), 'rejected', 'the focus goes back to the button');
  await page.locator('#rk-live', { hasText: 'Uw tekst is bewaard' }).waitFor();
  assert.match(await button('rejected').textContent(), /tekst bewaard/);
  assert.ok((await stored()).includes('landelijke regeling'));
  await button('rejected').click();
  assert.equal(await note.inputValue(), reason);
  await page.locator('#besluit .rk-draft-note').waitFor();

  // Switching to another decision keeps it too, and that one's text separately.
  await button('needs_info').click();
  assert.equal(await note.inputValue(), '', 'another decision starts empty');
  await note.fill('Welke vergunning precies?');
  await button('rejected').click();
  assert.equal(await note.inputValue(), reason);
  await page.getByRole('button', { name: 'Annuleren' }).click();
  await button('needs_info').click();
  assert.equal(await note.inputValue(), 'Welke vergunning precies?');

  // ‘Tekst wissen’ throws one away, explicitly.
  await page.getByRole('button', { name: 'Tekst wissen' }).click();
  assert.equal(await note.inputValue(), '');
  assert.match(await focused(page), /-note$/);
  await page.keyboard.press('Escape');
  assert.doesNotMatch(await button('needs_info').textContent(), /tekst bewaard/);
  await button('needs_info').click();
  assert.equal(await note.inputValue(), '');
  await assertAccessible(page, '/team/reports/{id} with a kept decision text');

  // Saving the kept decision forgets every kept text of this report.
  await button('rejected').click();
  assert.equal(await note.inputValue(), reason);
  await page.getByRole('button', { name: 'Besluit opslaan' }).click();
  await page.locator('.rk-history__item--status', { hasText: 'Afgewezen' }).waitFor();
  assert.equal(await stored(), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a 375px phone the week’s decisions are readable blocks; on a wide screen a table', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Reisvergoeding leerlingenvervoer aanvragen vergt vijf verschillende bewijsstukken');
  const bram = await apiSession('bram');
  const current = await bram('GET', `/api/v1/reports/${created.id}`);
  assert.equal((await bram('PATCH', `/api/v1/reports/${created.id}`, { status: 'rejected', note: 'Dit regelt het Rijk; wij hebben het doorgegeven aan het ministerie.' }, { 'if-match': current.etag })).status, 200);
  const context = await env.browser.newContext({ viewport: { width: 375, height: 812 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  const row = page.locator('.rk-minutes tbody tr', { hasText: created.reference });
  await row.waitFor();
  const layout = await page.evaluate((ref) => {
    const tr = [...document.querySelectorAll('.rk-minutes tbody tr')].find((r) => r.textContent.includes(ref));
    const wrapper = document.querySelector('.rk-table-wrapper');
    const title = tr.querySelector('.rk-minutes__title .rk-minutes__value');
    const label = tr.querySelector('.rk-minutes__title .rk-minutes__label');
    return {
      scrolls: wrapper.scrollWidth > wrapper.clientWidth + 1,
      pageScrolls: document.documentElement.scrollWidth > window.innerWidth + 1,
      titleWidth: title.getBoundingClientRect().width,
      labelShown: getComputedStyle(label).display !== 'none',
      headerShown: document.querySelector('.rk-minutes thead').getBoundingClientRect().height > 2,
      role: document.querySelector('.rk-minutes').getAttribute('role'),
    };
  }, created.reference);
  assert.equal(layout.scrolls, false, 'no sideways scrolling of the decisions');
  assert.equal(layout.pageScrolls, false, 'no sideways scrolling of the page');
  assert.ok(layout.titleWidth >= 150, `the title has room (${layout.titleWidth}px)`);
  assert.equal(layout.labelShown, true, 'each value has its label');
  assert.equal(layout.headerShown, false);
  assert.equal(layout.role, 'table');
  // For screen readers it is still the table, with its column headers.
  const snapshot = await page.locator('.rk-minutes').ariaSnapshot();
  assert.match(snapshot, /table/);
  assert.match(snapshot, /columnheader "Titel"/);
  assert.match(snapshot, /cell "Reisvergoeding leerlingenvervoer/, 'the labels in the cells are not read out twice');
  await assertAccessible(page, '/team at 375px');

  await page.setViewportSize({ width: 1280, height: 900 });
  assert.equal(await row.locator('.rk-minutes__label').first().isVisible(), false, 'no labels in the wide table');
  assert.equal(await page.locator('.rk-minutes thead th').first().isVisible(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong filter in the address is named, marked and can be cleared; nothing keeps loading', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  const created = await newReport(meta, 'Na het wissen van de filters weer zichtbaar');
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await card(page, created.reference).waitFor();

  await page.goto(`${env.server.url}/team?status=bogus&department=xxx`);
  const alert = page.locator('#rk-alerts [role="alert"]');
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /Status: De status ‘bogus’ in het adres bestaat niet/);
  assert.match(text, /Dienst van de melder: Er is geen dienst ‘xxx’/);
  assert.doesNotMatch(text, /Bekijk de meldingen bij de velden/);
  assert.equal(await alert.getByRole('button', { name: 'Opnieuw proberen' }).count(), 0, 'no retry of a request that cannot succeed');
  // Both filters are marked, with their message tied to them.
  for (const [id, message] of [
    ['filter-status', /bogus/],
    ['filter-department', /xxx/],
  ]) {
    const control = page.locator(`#${id}`);
    assert.equal(await control.getAttribute('aria-invalid'), 'true');
    const described = await control.getAttribute('aria-describedby');
    assert.match(await page.locator(`#${described.split(' ').pop()}`).textContent(), message);
  }
  // The form shows the value that was asked for, not another one.
  assert.equal(await page.locator('#filter-status').inputValue(), 'bogus');
  // No loading state is left behind.
  assert.equal(await page.locator('#rk-queue').getAttribute('aria-busy'), 'false');
  assert.equal(await page.locator('#rk-queue .rk-loading').count(), 0);
  await page.locator('#rk-decisions[aria-busy="false"]').waitFor();
  await page.locator('#rk-stale[aria-busy="false"]').waitFor();
  await assertAccessible(page, '/team with a wrong filter');

  await alert.getByRole('button', { name: 'Filters wissen' }).click();
  await card(page, created.reference).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('status'), null);
  assert.equal(new URL(page.url()).searchParams.get('department'), null);
  assert.equal(await page.locator('#filter-status').inputValue(), 'new');
  assert.equal(await page.locator('#filter-status').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('#filter-department').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('#rk-alerts [role="alert"]').count(), 0);

  // One wrong filter beside a good one.
  await page.goto(`${env.server.url}/team?status=&department=xxx`);
  await page.locator('#rk-alerts [role="alert"]', { hasText: 'Dit filter kan niet' }).waitFor();
  assert.equal(await page.locator('#filter-status').getAttribute('aria-invalid'), null);
  assert.equal(await page.locator('#filter-department').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(problems.filter((p) => !/422/.test(p)), []);
  await context.close();
});

// Last in this file: it fills the queue beyond what the week's view shows.
test('a queue longer than the page shows says so, instead of hiding reports', async () => {
  ensureUsers();
  const meta = await fetchMeta(env.server.url);
  for (let batch = 0; batch < 11; batch += 1) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => newReport(meta, `Wachtrij vol ${batch}-${i}`)));
  }
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page);
  await login(page);
  await page.locator('#rk-queue[aria-busy="false"]').waitFor();
  assert.equal(await page.locator('#rk-count-queue').textContent(), '500+');
  assert.match(await page.locator('#rk-queue-summary').textContent(), /^Meer dan 500 meldingen wachten op een besluit/);
  assert.equal(await page.locator('.rk-item').count(), 500);
  assert.deepEqual(problems, []);
  await context.close();
});
