// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 11: the pages around a decision. A CAF 03 agent plans an audition
// slot for module M2 of the 2027 call, gives it to an application and sends
// the invitation, exports the slots and reads the page on a phone; a CAF 63
// agent organises a coordinators' handover (an empty form first) and exports
// the list; the administrator opens the letter templates and tries to save
// a broken one, refused with its line.
// Demo data: the 2027 call is published, module M2 has two filed applications
// of the Allier; coordination@demo coordinates the Allier and the Puy-de-Dôme.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { ADMIN_EMAIL, DEMO_PASSWORD, expectH1, expectNoSideScroll, expectPath, expectText, login, logout, nav } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const CALL_2027 = 'Appel à candidatures Promeneurs du Net 2027';
const M2_TITLE = 'Formations complémentaires des promeneurs';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const main = (page) => page.getByRole('main');

/** The CSV behind the page's "CSV" export link: its lines, the header first. */
async function csvLines(page, baseUrl, filename) {
  const link = main(page).getByRole('link', { name: 'CSV', exact: true });
  const res = await page.context().request.get(new URL(await link.getAttribute('href'), baseUrl).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  assert.match(res.headers()['content-disposition'], new RegExp(`^attachment; filename="${filename}`));
  const text = (await res.body()).toString('utf8');
  assert.ok(text.startsWith('\ufeff'), 'a BOM for Excel');
  return text.slice(1).trim().split(/\r?\n/);
}

/** At 360 px the page does not scroll sideways and passes axe. */
async function onAPhone(page, label) {
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await page.reload();
    await expectNoSideScroll(page, label);
    await checkA11y(page, `${label} (360 px)`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

/** A date `days` from today, as YYYY-MM-DD (local time). */
function daysAhead(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

s.journey('un agent de la Caf 03 planifie une audition et envoie la convocation', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await visit(page, `${baseUrl}/gestion/appels`, { label: 'gestion des appels (agent 03)' });
  await main(page).getByRole('link', { name: CALL_2027, exact: true }).click();
  await expectH1(page, CALL_2027);
  await checkA11y(page, 'appel 2027 (gestion)');
  const auditions = main(page).getByRole('link', { name: 'Auditions du module M2', exact: true });
  const href = await auditions.getAttribute('href');
  assert.match(href, new RegExp(`^/gestion/appels/${UUID}/modules/M2/auditions$`));
  await auditions.click();
  await expectPath(page, href);
  await expectH1(page, `Auditions du module M2 — ${M2_TITLE}`);
  await expectText(page, "Aucun créneau pour l'instant.");
  await checkA11y(page, 'auditions M2 (vide)');

  const intro = await main(page).locator('h1 + p').innerText();
  const day = intro.match(/Jour d'audition prévu pour ce module : (.+)\./)?.[1];
  assert.ok(day, `the module has an audition day: ${intro}`);

  // The day is left empty: the module's audition day.
  await page.getByLabel('Heure de début', { exact: true }).fill('09:30');
  await page.getByLabel('Lieu', { exact: true }).fill('Caf de l’Allier, Moulins, salle du conseil');
  await main(page).getByRole('button', { name: 'Ajouter le créneau', exact: true }).click();
  await page.waitForLoadState('load');
  await expectPath(page, href);
  await expectText(page, 'Le créneau est ajouté.');
  const table = main(page).getByRole('table', { name: /^Créneaux d'audition du module M2/ });
  const when = (await table.locator('tbody tr th').first().innerText()).trim();
  assert.equal(when, `${day} à 9 h 30`);
  const cells = await table.locator('tbody tr td').allInnerTexts();
  assert.equal(cells[0].trim(), '45 min');
  assert.match(cells[1], /Caf de l’Allier, Moulins, salle du conseil/);
  assert.equal(cells[2].trim(), 'Libre');
  await checkA11y(page, 'auditions M2 (créneau ajouté)');

  const select = main(page).getByLabel(`Candidature auditionnée le ${when}`, { exact: true });
  const options = await select.locator('option').allInnerTexts();
  assert.equal(options.length, 3, JSON.stringify(options));
  const chosen = options[1].trim();
  await select.selectOption({ label: chosen });
  await main(page).getByRole('button', { name: `Enregistrer le créneau du ${when}`, exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'Le créneau est attribué.');
  const row = await main(page).getByRole('table', { name: /^Créneaux d'audition du module M2/ }).locator('tbody tr td').allInnerTexts();
  assert.equal(row[2].trim(), chosen.replace(/ \([^)]*\)$/, ''));
  assert.equal(row[3].trim(), 'À envoyer');
  await expectText(page, '1 convocation à envoyer.');
  await checkA11y(page, 'auditions M2 (créneau attribué)');

  await main(page).getByRole('button', { name: 'Envoyer les convocations', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, '1 convocation envoyée.');
  const after = await main(page).getByRole('table', { name: /^Créneaux d'audition du module M2/ }).locator('tbody tr td').allInnerTexts();
  assert.match(after[3].trim(), /^Envoyée le /);
  await expectText(page, "Aucune convocation à envoyer pour l'instant.");
  await checkA11y(page, 'auditions M2 (convocation envoyée)');

  const lines = await csvLines(page, baseUrl, 'auditions-M2-');
  assert.equal(lines[0], 'jour;heure;duree_minutes;lieu;lien_de_visioconference;candidature;structure;departements;convoquee_le');
  assert.equal(lines.length, 2, lines.join('\n'));
  const slot = lines[1].split(';');
  assert.equal(`${slot[0]} à ${slot[1]}`, when);
  assert.equal(slot[2], '45');
  assert.equal(slot[6], chosen.replace(/ \([^)]*\)$/, ''));
  assert.match(slot[8], / à /, 'the invitation date');
  await onAPhone(page, 'auditions M2');
  await logout(page, baseUrl);
});

s.journey('un agent de la Caf 63 organise un tuilage, un formulaire vide d’abord', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent63@demo.promeneurs.fr', DEMO_PASSWORD);
  await nav(page).getByRole('link', { name: 'Tuilage', exact: true }).click();
  await expectPath(page, '/gestion/tuilages');
  await expectH1(page, 'Tuilage des coordinateurs');
  await checkA11y(page, 'tuilages');
  await main(page).getByRole('link', { name: 'Organiser un tuilage', exact: true }).click();
  await expectPath(page, '/gestion/tuilages/nouveau');
  await expectH1(page, 'Organiser un tuilage');
  await checkA11y(page, 'nouveau tuilage');

  const submit = () => main(page).getByRole('button', { name: 'Organiser le tuilage', exact: true }).click();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/gestion/tuilages/nouveau'),
    submit(),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState('load');
  const summary = main(page).getByRole('alert');
  assert.match(await summary.innerText(), /Le formulaire contient (une erreur|\d+ erreurs)/);
  assert.equal(await page.getByLabel('Adresse e-mail du coordinateur sortant', { exact: true }).getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'nouveau tuilage (erreurs)');

  const starts = daysAhead(5);
  await page.getByLabel('Département', { exact: true }).selectOption('63');
  await page.getByLabel('Adresse e-mail du coordinateur sortant', { exact: true }).fill('coordination@demo.promeneurs.fr');
  await page.getByLabel('Adresse e-mail du nouveau coordinateur', { exact: true }).fill(ADMIN_EMAIL);
  await page.getByLabel('Premier jour du nouveau coordinateur', { exact: true }).fill(starts);
  await submit();
  await page.waitForLoadState('load');
  await page.waitForURL((url) => new RegExp(`^/gestion/tuilages/${UUID}$`).test(url.pathname));
  await expectH1(page, 'Tuilage — Puy-de-Dôme (63)');
  await expectText(page, 'Le tuilage est organisé');
  const facts = await main(page).locator('dl.profile-facts').innerText();
  assert.match(facts, /Période\s+Jusqu['’]au .+ inclus, le coordinateur sortant garde tous ses droits\. Le coordinateur sortant garde un accès en lecture jusqu['’]au .+ inclus\./);
  const checklist = main(page).getByRole('table', { name: /^Liste du tuilage \(\d+ éléments\)$/ });
  assert.ok((await checklist.locator('tbody tr').count()) > 0, 'the checklist has items');
  await checkA11y(page, 'tuilage créé');

  await nav(page).getByRole('link', { name: 'Tuilage', exact: true }).click();
  await expectPath(page, '/gestion/tuilages');
  const lines = await csvLines(page, baseUrl, 'tuilages-');
  assert.match(lines[0], /^departement;coordinateur_sortant;nouveau_coordinateur;/);
  assert.ok(lines.slice(1).some((l) => l.startsWith('63;')), lines.join('\n'));
  await onAPhone(page, 'tuilages');
  await logout(page, baseUrl);
});

s.journey('l’administrateur essaie un modèle de courrier cassé', async ({ page, baseUrl }) => {
  await login(page, baseUrl, ADMIN_EMAIL, DEMO_PASSWORD);
  await visit(page, `${baseUrl}/admin/modeles-de-courrier`, { label: 'modèles de courrier' });
  await expectH1(page, 'Modèles de courrier');
  await main(page).getByRole('link', { name: 'Courrier de résultat', exact: true }).click();
  await expectPath(page, '/admin/modeles-de-courrier/result');
  await expectH1(page, 'Modèle : Courrier de résultat');
  await checkA11y(page, 'modèle : courrier de résultat');
  const source = page.getByLabel('Texte du modèle (Typst)', { exact: true });
  const original = await source.inputValue();
  assert.ok(original.length > 0, 'the built-in template is shown');

  await source.fill('#let x = (');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/modeles-de-courrier/result'),
    main(page).getByRole('button', { name: 'Enregistrer le modèle', exact: true }).click(),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState('load');
  const error = await main(page).locator('#source-error').innerText();
  assert.match(error, /ligne/);
  assert.equal(await source.getAttribute('aria-invalid'), 'true');
  assert.equal(await source.inputValue(), '#let x = (');
  assert.match(await main(page).getByRole('alert').innerText(), /Le formulaire contient une erreur/);
  await expectText(page, "Le modèle d'origine est en service.");
  await checkA11y(page, 'modèle : courrier de résultat (erreur)');
  await logout(page, baseUrl);
});

s.assertSameOrigin();
