// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 7: the referent of "Centre social de Vichy" changes the online
// presence of one of its promeneurs: an end before the start is refused next
// to the row, then the fixed slot is saved and shown on the public profile.
// Then, on a phone, the CAF 03 agent opens the structure's record: its
// conventions table (with its signature forms) stays within the screen.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { DEMO_PASSWORD, apos, expectH1, expectNoSideScroll, expectPath, expectText, login, logout, nav } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const REFERENT_EMAIL = 'structure@demo.promeneurs.fr';
const STRUCTURE = 'Centre social de Vichy';
// Demo data: the promeneurs of the first structure of the Allier.
const OWN = ['Antoine Joly', 'Kevin Henry', 'Léa Martin'];
const PROMENEUR = 'Antoine Joly';
const NEW_SLOT = 'le mercredi de 14 h à 16 h 30';
const END_BEFORE_START = "L'heure de fin doit être après l'heure de début.";

const day = (page, n) => page.getByLabel(`Jour du créneau ${n}`, { exact: true });
const start = (page, n) => page.getByLabel(`Début du créneau ${n}`, { exact: true });
const end = (page, n) => page.getByLabel(`Fin du créneau ${n}`, { exact: true });
const editForm = (page) => page.getByRole('region', { name: 'Modifier la fiche', exact: true }).locator('form');

/** The selected label of every filled presence row, e.g. [["Mardi", "15:00", "17:00"], …]. */
async function presenceRows(page) {
  const rows = [];
  for (let n = 1; (await day(page, n).count()) > 0; n++) {
    const weekday = await day(page, n).evaluate((sel) => (sel.value ? sel.selectedOptions[0].textContent.trim() : ''));
    if (weekday) rows.push([weekday, await start(page, n).inputValue(), await end(page, n).inputValue()]);
  }
  return rows;
}

/** "Quand le trouver" on the public profile. */
const publicPresence = (page) =>
  page.locator('main dl.profile-facts dt', { hasText: 'Quand le trouver' }).locator('xpath=following-sibling::dd[1]').innerText();

let fileUrl;
let publicUrl;
let before;

s.journey('le référent ouvre la liste de ses promeneurs', async ({ page, baseUrl }) => {
  await login(page, baseUrl, REFERENT_EMAIL, DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (référent)');
  await nav(page).getByRole('link', { name: 'Promeneurs', exact: true }).click();
  await expectPath(page, '/reseau/promeneurs');
  await expectH1(page, 'Promeneurs');
  await checkA11y(page, 'promeneurs (référent)');
  const rows = page.locator('main table tbody tr');
  const names = (await rows.locator('td:first-child').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual([...names].sort(), OWN, 'a referent sees only the promeneurs of its structure');
  for (const structure of await rows.locator('td:nth-child(2)').allInnerTexts()) {
    assert.equal(structure.trim(), STRUCTURE);
  }
  await rows.getByRole('link', { name: PROMENEUR, exact: true }).click();
  await page.waitForURL((u) => /^\/reseau\/promeneurs\/[0-9a-f-]{36}$/.test(u.pathname));
  fileUrl = page.url();
  await expectH1(page, PROMENEUR);
  await checkA11y(page, `fiche ${PROMENEUR}`);
  // Published in the directory: the public profile shows the current slots.
  const link = page.getByRole('link', { name: 'voir la fiche publique', exact: true });
  publicUrl = new URL(await link.getAttribute('href'), baseUrl).href;
  assert.equal(new URL(publicUrl).pathname, `/promeneurs/${new URL(fileUrl).pathname.split('/').pop()}`);
  before = await presenceRows(page);
  assert.ok(before.length >= 1, 'the demo promeneur has presence slots');
  assert.ok(!before.some(([d]) => d === 'Mercredi'), `no Wednesday slot yet: ${JSON.stringify(before)}`);
});

s.journey('créneau dont la fin précède le début : erreur en français sur la ligne', async ({ page }) => {
  await visit(page, fileUrl, { label: `fiche ${PROMENEUR}` });
  await day(page, 1).selectOption({ label: 'Mercredi' });
  await start(page, 1).fill('16:30');
  await end(page, 1).fill('14:00');
  await editForm(page).getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.waitForLoadState('load');
  await expectH1(page, PROMENEUR);
  await expectText(page, 'Le formulaire contient des erreurs : corrigez les champs signalés.');
  assert.match(await page.title(), /^Erreur/, 'the page title says there is an error');

  for (const field of [day(page, 1), end(page, 1)]) {
    assert.equal(await field.getAttribute('aria-invalid'), 'true', 'the slot is marked invalid');
    assert.equal(await field.getAttribute('aria-describedby'), 'presence-0-error');
  }
  const message = page.locator('[id="presence-0-error"]');
  assert.match(await message.innerText(), apos(END_BEFORE_START));
  // The message sits in the row of slot 1, right after its fields.
  assert.equal(
    await message.evaluate((el) => el.parentElement.contains(document.getElementById('presence-0-end'))),
    true,
    'the error is next to the row',
  );
  assert.equal(await day(page, 2).getAttribute('aria-invalid'), null, 'other rows are not marked');
  // What was typed is kept.
  assert.equal(await day(page, 1).inputValue(), '3');
  assert.equal(await start(page, 1).inputValue(), '16:30');
  assert.equal(await end(page, 1).inputValue(), '14:00');
  await checkA11y(page, `fiche ${PROMENEUR} (erreur de créneau)`);
});

s.journey('créneau corrigé : enregistré et affiché', async ({ page }) => {
  await start(page, 1).fill('14:00');
  await end(page, 1).fill('16:30');
  await editForm(page).getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.waitForURL((u) => u.pathname === new URL(fileUrl).pathname && u.searchParams.get('message') === 'enregistre');
  await expectText(page, 'Modifications enregistrées.');
  assert.equal(await page.getByRole('status').filter({ hasText: 'Modifications enregistrées.' }).count(), 1);
  assert.equal(await page.locator('main [aria-invalid="true"]').count(), 0);
  await checkA11y(page, `fiche ${PROMENEUR} (enregistrée)`);

  const after = await presenceRows(page);
  assert.deepEqual(after.find(([d]) => d === 'Mercredi'), ['Mercredi', '14:00', '16:30']);
  assert.equal(after.length, before.length, 'the other slots are kept');
  // The file states the slots in words, as the public profile does.
  assert.match(await page.locator('main').innerText(), new RegExp(NEW_SLOT));
});

s.journey('le profil public montre le nouveau créneau', async ({ page }) => {
  await visit(page, publicUrl, { label: `profil public de ${PROMENEUR}` });
  await expectH1(page, PROMENEUR);
  const presence = await publicPresence(page);
  assert.match(presence, new RegExp(NEW_SLOT), presence);
  const [oldDay, oldStart, oldEnd] = before[0];
  const hour = (t) => t.replace(/^0/, '').replace(/:00$/, ' h').replace(/:(\d\d)$/, ' h $1');
  const old = `le ${oldDay.toLowerCase()} de ${hour(oldStart)} à ${hour(oldEnd)}`;
  assert.ok(!presence.includes(old), `the old slot "${old}" is gone: ${presence}`);
});

s.journey('360 px : la fiche de la structure et ses conventions ne défilent pas de côté', async ({ page, baseUrl }) => {
  await logout(page, baseUrl);
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await visit(page, fileUrl, { label: `fiche ${PROMENEUR} (agent 03, 360 px)` });
    await expectNoSideScroll(page, `la fiche de ${PROMENEUR}`);
    const toc = page.getByRole('navigation', { name: 'Sur cette page :', exact: true });
    await toc.getByRole('link', { name: 'Modifier la fiche', exact: true }).waitFor();
    await page.getByRole('main').getByRole('link', { name: STRUCTURE, exact: true }).click();
    await page.waitForURL((u) => /^\/reseau\/structures\/[0-9a-f-]{36}$/.test(u.pathname));
    await expectH1(page, STRUCTURE);
    // Every structure of the demo has a convention, signed without its
    // document: the CAF agent is offered to record it, in the table.
    const conventions = page.getByRole('region', { name: 'Conventions avec la Caf', exact: true });
    await conventions.getByRole('table').waitFor();
    assert.ok((await conventions.locator('details').count()) > 0, 'the signature form is in the table');
    await expectNoSideScroll(page, `la fiche de ${STRUCTURE}`);
    await checkA11y(page, `fiche ${STRUCTURE} (360 px)`);
    // A table of contents leads to the sections of the long page.
    const sections = page.getByRole('navigation', { name: 'Sur cette page :', exact: true });
    await sections.getByRole('link', { name: 'Conventions avec la Caf', exact: true }).click();
    assert.equal(new URL(page.url()).hash, '#conventions');
    await page.getByRole('group', { name: 'Coordonnées (facultatif)', exact: true }).waitFor();
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

s.assertSameOrigin();
