// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 9: the CAF staff on the calls for applications. An anonymous
// visitor on a phone reads the 2024 call and downloads its cahier des
// charges; a CAF 03 agent creates a call through the forms (an error first,
// then a module with its grid and its required document) and publishes it;
// the coordinator of 03 and 63 reads the decided 2024 call: its
// applications, one of them with its receipt, the ZIP of module M1, the
// CSV export and the export of the proposals and decisions; a CAF 63 agent cannot open the call of the Allier alone.
// Demo data (app/src/demo_calls.rs): two published calls, the 2024 one
// (modules M1 until Sunday 17 March 2024 and M2, applications decided:
// M1 one retained, two not retained) and the 2027 one, open.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkA11y, visit } from '../lib/browser.mjs';
import { DEMO_PASSWORD, apos, expectH1, expectNoSideScroll, expectPath, expectText, login, logout, nav } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const CALL_2024 = 'Appel à candidatures Promeneurs du Net Allier et Puy-de-Dôme 2024';
const CALL_2027 = 'Appel à candidatures Promeneurs du Net 2027';
const M1_TITLE = 'Coordination du réseau des Promeneurs du Net';

// The call created by the CAF 03 agent: its deadline a few years ahead, a
// 30 June (never "1er"), at 17 h 30, Paris time.
const YEAR = new Date().getFullYear() + 3;
const DEADLINE_DATE = `${YEAR}-06-30`;
const WEEKDAY = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' }).format(
  new Date(Date.UTC(YEAR, 5, 30)),
);
const DEADLINE_FRENCH = `${WEEKDAY} 30 juin ${YEAR} à 17 h 30`;
const NEW_CALL = `Appel à candidatures Formations numériques Allier ${YEAR}`;
const NEW_MODULE = 'Formations aux usages numériques des adolescents';
const CRITERION = 'Qualité pédagogique du programme';
const PIECE = 'Dossier de candidature signé';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const main = (page) => page.getByRole('main');
const mainText = (page) => main(page).innerText();
/** Regex-escaped, apostrophes either ASCII or typographic. */
const loose = (text) => apos(text).source;

/** The cells of the rows of the first table of <main>, as trimmed texts. */
async function tableRows(page) {
  return page
    .locator('main table tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.innerText.trim())));
}

/** Click (or press Enter on) a control that downloads; returns the download and its bytes. */
async function download(page, locator, { keyboard = false } = {}) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    keyboard ? locator.focus().then(() => page.keyboard.press('Enter')) : locator.click(),
  ]);
  const failure = await dl.failure();
  assert.equal(failure, null, `download of ${dl.url()} failed: ${failure}`);
  const bytes = await readFile(await dl.path());
  return { dl, bytes };
}

let call2024Url;
let newCallId;

s.journey('360 px : un visiteur lit l’appel 2024 et télécharge le cahier des charges', async ({ page, baseUrl }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await visit(page, `${baseUrl}/appels`, { label: 'appels (360 px)' });
    await expectH1(page, 'Appels à candidatures');
    const listWidth = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(listWidth[0] <= listWidth[1], `/appels is ${listWidth[0]} px wide at 360 px`);
    assert.equal(await main(page).getByRole('link', { name: 'Gérer les appels à candidatures' }).count(), 0, 'no staff link when anonymous');
    const article = main(page).getByRole('article', { name: CALL_2024, exact: true });
    await article.waitFor();
    const listed = await article.innerText();
    assert.match(listed, /Départements : Allier \(03\) et Puy-de-Dôme \(63\)/);
    assert.match(listed, new RegExp(`Module M1 — ${M1_TITLE} : ${loose("jusqu'au dimanche 17 mars 2024 à 23 h 59")}\\s+Dépôt clos`));
    assert.match(listed, new RegExp(`Module M2 — .+ : ${loose("jusqu'au dimanche 28 avril 2024 à 23 h 59")}\\s+Dépôt clos`));
    await main(page).getByRole('article', { name: CALL_2027, exact: true }).getByText('Dépôt ouvert').first().waitFor();

    await article.getByRole('link', { name: apos(`Lire l'appel « ${CALL_2024} »`) }).click();
    await page.waitForURL((u) => new RegExp(`^/appels/${UUID}$`).test(u.pathname));
    call2024Url = page.url();
    await expectH1(page, CALL_2024);
    await checkA11y(page, 'appel 2024 (360 px)');
    const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(width[0] <= width[1], `the call page is ${width[0]} px wide at 360 px`);

    const m1 = main(page).getByRole('region', { name: `Module M1 — ${M1_TITLE}`, exact: true });
    const m1Text = await m1.innerText();
    assert.match(m1Text, new RegExp(loose("Date limite de dépôt : jusqu'au dimanche 17 mars 2024 à 23 h 59")));
    assert.match(m1Text, /Dépôt clos/);
    assert.match(m1Text, /du 1er juin 2024 au 31 décembre 2026/, 'the period of the mission');
    assert.match(m1Text, /Le dépôt des candidatures à ce module est clos\./);
    assert.equal(await m1.getByRole('link', { name: /^Candidater/ }).count(), 0, 'no way to apply to a closed module');
    // The grid: 3 + 2 + 2 + 2 + 3 = 12, so a coefficient of 3 is 25 % of the note.
    const grid = m1.getByRole('table', { name: 'Critères de sélection du module M1' });
    const quality = grid.getByRole('row', { name: /Qualité du projet \(faisabilité et pertinence\)/ });
    assert.match(await quality.innerText(), /coefficient 3 \(25 % de la note\)\s+20 points/);
    assert.match(m1Text, /Dossier de candidature signé/);

    const contacts = await main(page).locator('h2#contacts + .cards').innerText();
    assert.match(contacts, /Alexandra Meritet/);
    assert.match(contacts, /Adrien Couette/);
    const mail = main(page).getByRole('link', { name: 'contact-caf03@demo.promeneurs.fr', exact: true });
    assert.equal(await mail.getAttribute('href'), 'mailto:contact-caf03@demo.promeneurs.fr');
    const tel = main(page).getByRole('link', { name: '04 70 08 49 38', exact: true });
    assert.equal(await tel.getAttribute('href'), 'tel:0470084938');

    // The cahier des charges is always an attachment, never opened in the page.
    const cahier = main(page).getByRole('link', { name: 'Cahier des charges', exact: true });
    const { dl, bytes } = await download(page, cahier);
    assert.equal(dl.suggestedFilename(), 'cahier-des-charges.pdf');
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(page.url(), call2024Url, 'the page stays on the call');
    const res = await page.context().request.get(new URL(await cahier.getAttribute('href'), baseUrl).href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    assert.match(res.headers()['content-disposition'], /^attachment; filename="cahier-des-charges\.pdf"/);
    assert.equal(Number(res.headers()['content-length']), bytes.length);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

s.journey('un agent de la Caf 03 crée un appel, avec une erreur d’abord', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte');
  await nav(page).getByRole('link', { name: 'Appels à candidatures', exact: true }).click();
  await expectPath(page, '/appels');
  await checkA11y(page, 'appels (agent 03)');
  await main(page).getByRole('link', { name: 'Gérer les appels à candidatures', exact: true }).click();
  await expectPath(page, '/gestion/appels');
  await expectH1(page, 'Gestion des appels à candidatures');
  await checkA11y(page, 'gestion des appels (agent 03)');
  const before = (await tableRows(page)).map((r) => r[0]);
  assert.ok(before.includes(CALL_2024) && before.includes(CALL_2027), JSON.stringify(before));

  await main(page).getByRole('link', { name: 'Nouvel appel', exact: true }).click();
  await expectPath(page, '/gestion/appels/nouveau');
  await expectH1(page, 'Nouvel appel à candidatures');
  await checkA11y(page, 'nouvel appel');
  const departments = page.getByRole('group', { name: 'Départements couverts', exact: true });
  // An agent of the Allier is offered the Allier only, checked already.
  assert.deepEqual(
    (await departments.getByRole('checkbox').evaluateAll((els) => els.map((e) => e.value))),
    ['03'],
  );
  await departments.getByRole('checkbox', { name: 'Allier (03)' }).check();
  await page.getByLabel("Titre de l'appel", { exact: true }).fill(NEW_CALL);
  await page
    .getByLabel('Présentation (facultatif)', { exact: true })
    .fill("La Caf de l'Allier cherche une structure pour former les promeneurs aux usages numériques des adolescents.");
  // The contact is left empty: the one of the CAF's record is used. The
  // contacts are folded, the record's being the default.
  await main(page).locator('details#contacts > summary').click();
  const contact = page.getByRole('group', { name: 'Contact pour Allier (03)', exact: true });
  assert.equal(await contact.getByLabel('Personne à contacter', { exact: true }).getAttribute('placeholder'), 'Alexandra Meritet');
  await page.getByRole('button', { name: "Créer l'appel en brouillon", exact: true }).click();
  await page.waitForURL((u) => new RegExp(`^/gestion/appels/${UUID}$`).test(u.pathname));
  newCallId = new URL(page.url()).pathname.split('/').pop();
  await expectH1(page, NEW_CALL);
  await expectText(page, "L'appel est créé en brouillon");
  assert.match(await mainText(page), /Brouillon · Allier \(03\)/);
  await expectText(page, 'Aucun module.');
  await checkA11y(page, 'appel créé (brouillon)');

  await main(page).getByRole('link', { name: 'Ajouter un module', exact: true }).click();
  await expectPath(page, `/gestion/appels/${newCallId}/modules/nouveau`);
  await expectH1(page, 'Nouveau module');
  await checkA11y(page, 'nouveau module');

  const moduleGroup = page.getByRole('group', { name: 'Le module', exact: true });
  await moduleGroup.getByLabel('Code du module', { exact: true }).fill('M1');
  await moduleGroup.getByLabel('Intitulé', { exact: true }).fill(NEW_MODULE);
  await page.getByLabel('Début de la mission', { exact: true }).fill(`${YEAR}-09-01`);
  await page.getByLabel('Fin de la mission', { exact: true }).fill(`${YEAR + 1}-12-31`);
  const deadline = page.getByRole('group', { name: 'Date limite de dépôt', exact: true });
  await deadline.getByLabel('Jour', { exact: true }).fill(DEADLINE_DATE);
  await deadline.getByLabel('Heure (facultatif)', { exact: true }).fill('17:30');
  const criterion = page.getByRole('group', { name: 'Critère 1', exact: true });
  await criterion.getByLabel('Clé', { exact: true }).fill('pedagogie');
  await criterion.getByLabel('Intitulé', { exact: true }).fill(CRITERION);
  await criterion.getByLabel('Coefficient', { exact: true }).fill('0');
  await criterion.getByLabel('Note maximale', { exact: true }).fill('20');
  const piece = page.getByRole('group', { name: 'Pièce 1', exact: true });
  await piece.getByLabel('Type', { exact: true }).fill('formulaire');
  await piece.getByLabel('Intitulé', { exact: true }).fill(PIECE);

  // A weight of 0: refused, with a summary whose link leads to the field.
  const [rejected] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/modules/nouveau')),
    page.getByRole('button', { name: 'Ajouter le module', exact: true }).click(),
  ]);
  assert.equal(rejected.status(), 422);
  await page.waitForLoadState('load');
  await expectH1(page, 'Nouveau module');
  assert.match(await page.title(), /^Erreur/, 'the page title says there is an error');
  const summary = page.getByRole('alert').filter({ hasText: 'Le formulaire contient une erreur' });
  await summary.getByRole('heading', { name: 'Le formulaire contient une erreur', exact: true }).waitFor();
  await summary.getByRole('link', { name: 'La pondération est un entier de 1 à 100.', exact: true }).click();
  assert.equal(new URL(page.url()).hash, '#criteria.0.weight', 'the summary link leads to the field');
  const weight = page.getByRole('group', { name: 'Critère 1', exact: true }).getByLabel('Coefficient', { exact: true });
  assert.equal(await weight.getAttribute('aria-invalid'), 'true');
  assert.match(await weight.getAttribute('aria-describedby'), /(^| )criteria\.0\.weight-error( |$)/);
  assert.equal(await page.locator('[id="criteria.0.weight-error"]').innerText(), 'La pondération est un entier de 1 à 100.');
  // What was typed is kept.
  assert.equal(await moduleGroup.getByLabel('Code du module', { exact: true }).inputValue(), 'M1');
  assert.equal(await moduleGroup.getByLabel('Intitulé', { exact: true }).inputValue(), NEW_MODULE);
  assert.equal(await deadline.getByLabel('Jour', { exact: true }).inputValue(), DEADLINE_DATE);
  assert.equal(await deadline.getByLabel('Heure (facultatif)', { exact: true }).inputValue(), '17:30');
  assert.equal(await criterion.getByLabel('Intitulé', { exact: true }).inputValue(), CRITERION);
  assert.equal(await weight.inputValue(), '0');
  assert.equal(await piece.getByLabel('Intitulé', { exact: true }).inputValue(), PIECE);
  await checkA11y(page, 'nouveau module (erreurs)');

  await weight.fill('3');
  await page.getByRole('button', { name: 'Ajouter le module', exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/gestion/appels/${newCallId}`);
  await expectText(page, 'Le module est enregistré.');
  const card = main(page).getByRole('article', { name: `Module M1 — ${NEW_MODULE}`, exact: true });
  const cardText = await card.innerText();
  assert.match(cardText, new RegExp(loose(`Jusqu'au ${DEADLINE_FRENCH}`)));
  assert.match(cardText, /Version 1 \(brouillon\) · 1 critère · 1 pièce demandée/);
  assert.match(cardText, /Aucune candidature déposée\./);
  await checkA11y(page, 'appel (module ajouté)');

  await card.getByRole('link', { name: 'Modifier le module M1', exact: true }).click();
  await expectPath(page, `/gestion/appels/${newCallId}/modules/M1`);
  await expectH1(page, `Module M1 — ${NEW_MODULE}`);
  assert.equal(await page.getByRole('group', { name: 'Critère 1', exact: true }).getByLabel('Coefficient', { exact: true }).inputValue(), '3');
  assert.equal(await page.getByRole('group', { name: 'Pièce 1', exact: true }).getByLabel('Intitulé', { exact: true }).inputValue(), PIECE);
  assert.equal(await page.getByRole('group', { name: 'Date limite de dépôt', exact: true }).getByLabel('Heure (facultatif)', { exact: true }).inputValue(), '17:30');
  await expectText(page, /^Version 1, enregistrée le .+ \(en vigueur\)$/);
  await page.getByRole('button', { name: 'Enregistrer le module', exact: true }).waitFor();
  await checkA11y(page, 'module M1 (brouillon)');

  // The long form in sections, reached from a table of contents; the rules
  // of an unsuccessful module, rarely changed, are folded.
  const toc = main(page).getByRole('navigation', { name: 'Sur cette page :', exact: true });
  assert.deepEqual(
    (await toc.getByRole('link').allInnerTexts()).map((t) => t.trim()),
    ['Le module', 'Calendrier', 'Grille de notation', 'Pièces demandées', 'Présentation et questions', 'Module infructueux'],
  );
  await toc.getByRole('link', { name: 'Grille de notation', exact: true }).click();
  assert.equal(new URL(page.url()).hash, '#criteria');
  const rules = page.getByRole('group', { name: 'Module infructueux', exact: true });
  assert.equal(await rules.getByLabel('Nombre minimal de candidatures par département', { exact: true }).isVisible(), false);
  await rules.locator('summary').click();
  assert.equal(await rules.getByLabel('Nombre minimal de candidatures par département', { exact: true }).inputValue(), '2');
  // On a phone: no sideways scroll, here and on the call's page.
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await expectNoSideScroll(page, 'le formulaire du module');
    await visit(page, `${baseUrl}/gestion/appels/${newCallId}`, { label: 'appel (360 px)' });
    await expectNoSideScroll(page, "la page de gestion de l'appel");
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await visit(page, `${baseUrl}/gestion/appels/${newCallId}/modules/M1`, { label: 'module M1 (retour)' });
});

s.journey('il publie l’appel, qui paraît sur /appels', async ({ page, baseUrl }) => {
  assert.ok(newCallId, 'previous step created the call');
  await main(page).getByRole('link', { name: NEW_CALL, exact: true }).click();
  await expectPath(page, `/gestion/appels/${newCallId}`);
  await expectH1(page, NEW_CALL);
  await checkA11y(page, 'appel (brouillon, un module)');
  await main(page).getByRole('link', { name: "Publier l'appel…", exact: true }).click();
  await expectPath(page, `/gestion/appels/${newCallId}/publication`);
  await expectH1(page, `Publier l'appel « ${NEW_CALL} »`);
  const table = main(page).getByRole('table', { name: /^Allier \(03\) — 1 module, 0 fichier$/ });
  await table.waitFor();
  const rows = await tableRows(page);
  assert.deepEqual(rows, [[`M1 — ${NEW_MODULE}`, `jusqu'au ${DEADLINE_FRENCH}`, '1', '1']]);
  assert.equal(await page.getByRole('alert').count(), 0, 'nothing stands in the way');
  await checkA11y(page, 'publication');

  await main(page).getByRole('button', { name: "Publier l'appel", exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/gestion/appels/${newCallId}`);
  await expectText(page, "L'appel est publié : sa page est visible de tous.");
  assert.match(await mainText(page), /Publié · Allier \(03\)/);
  assert.equal(await main(page).getByRole('link', { name: "Publier l'appel…" }).count(), 0);
  assert.match(
    await main(page).getByRole('article', { name: `Module M1 — ${NEW_MODULE}`, exact: true }).innerText(),
    /Version 1 \(publiée\)/,
  );
  await checkA11y(page, 'appel publié (gestion)');

  await nav(page).getByRole('link', { name: 'Appels à candidatures', exact: true }).click();
  await expectPath(page, '/appels');
  const article = main(page).getByRole('article', { name: NEW_CALL, exact: true });
  const listed = await article.innerText();
  assert.match(listed, /Départements : Allier \(03\)$/m);
  assert.match(listed, new RegExp(`Module M1 — ${NEW_MODULE} : ${loose(`jusqu'au ${DEADLINE_FRENCH}`)}\\s+Dépôt ouvert`));
  await checkA11y(page, 'appels (nouvel appel publié)');
  await article.getByRole('heading', { level: 2 }).getByRole('link', { name: NEW_CALL, exact: true }).click();
  await expectPath(page, `/appels/${newCallId}`);
  await expectH1(page, NEW_CALL);
  assert.equal(await main(page).getByText('Brouillon').count(), 0, 'no longer a draft');
  await expectText(page, `Date limite de dépôt : jusqu'au ${DEADLINE_FRENCH}`);
  await main(page).getByRole('row', { name: new RegExp(`${CRITERION}.+coefficient 3 \\(100 % de la note\\)`) }).waitFor();
  await main(page).getByRole('link', { name: 'Candidater au module M1', exact: true }).waitFor();
  // The contact left empty is the one of the CAF's record.
  assert.match(await main(page).locator('h2#contacts + .cards').innerText(), /Allier \(03\)\s+Alexandra Meritet/);
  await checkA11y(page, 'nouvel appel (page publique)');
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion');
});

let m1Structures;

s.journey('la coordinatrice lit les candidatures de 2024 et leur accusé de réception', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'coordination@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte');
  await visit(page, `${baseUrl}/gestion/appels`, { label: 'gestion des appels (coordination)' });
  await expectH1(page, 'Gestion des appels à candidatures');
  assert.equal(await main(page).getByRole('link', { name: 'Nouvel appel' }).count(), 0, 'a coordinator does not create calls');
  const calls = await tableRows(page);
  const titles = calls.map((r) => r[0]);
  for (const t of [CALL_2024, CALL_2027, NEW_CALL]) assert.ok(titles.includes(t), `${t} in ${JSON.stringify(titles)}`);
  assert.deepEqual(calls.find((r) => r[0] === CALL_2024).slice(1, 3), ['Allier (03) et Puy-de-Dôme (63)', 'Publié']);

  await main(page).getByRole('link', { name: CALL_2024, exact: true }).click();
  await page.waitForURL((u) => new RegExp(`^/gestion/appels/${UUID}$`).test(u.pathname));
  const manageUrl = page.url();
  await expectH1(page, CALL_2024);
  await expectText(page, 'Vous consultez cet appel');
  assert.equal(await page.getByRole('button', { name: 'Enregistrer' }).count(), 0, 'read only for a coordinator');
  const m1 = main(page).getByRole('article', { name: `Module M1 — ${M1_TITLE}`, exact: true });
  await m1.getByRole('link', { name: '3 candidatures au module M1', exact: true }).waitFor();
  const counts = (await m1.getByRole('listitem').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  assert.deepEqual(counts, ['Retenue : 1 (module M1)', 'Non retenue : 2 (module M1)']);
  await checkA11y(page, 'appel 2024 (gestion, coordination)');

  await main(page).getByRole('link', { name: 'Toutes les candidatures', exact: true }).click();
  await expectPath(page, `${new URL(manageUrl).pathname}/candidatures`);
  await expectH1(page, 'Candidatures');
  await main(page).getByRole('table', { name: '5 candidatures', exact: true }).waitFor();
  const all = await tableRows(page);
  assert.deepEqual(all.map((r) => r[1]).sort(), ['M1', 'M1', 'M1', 'M2', 'M2']);
  assert.deepEqual(all.map((r) => r[3]).sort(), ['Non retenue', 'Non retenue', 'Non retenue', 'Retenue', 'Retenue']);
  await checkA11y(page, 'candidatures 2024');

  // Only module M1, through the filter form.
  const filters = page.getByRole('search', { name: 'Filtrer les candidatures', exact: true });
  await filters.getByLabel('Module', { exact: true }).selectOption({ label: `M1 — ${M1_TITLE}` });
  await filters.getByRole('button', { name: 'Filtrer', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('module') === 'M1');
  await main(page).getByRole('table', { name: '3 candidatures', exact: true }).waitFor();
  const m1Rows = await tableRows(page);
  m1Structures = m1Rows.map((r) => r[0]);
  assert.deepEqual(m1Rows.map((r) => r[3]).sort(), ['Non retenue', 'Non retenue', 'Retenue']);
  const retained = m1Rows.find((r) => r[3] === 'Retenue');
  assert.equal(retained[2], '03, 63', 'the retained M1 application covers both départements');
  assert.equal(retained[4], 'vendredi 15 mars 2024 à 16 h 42');
  assert.equal(retained[5], '1', 'one document');
  assert.ok(m1Rows.some((r) => r[4] === 'dimanche 17 mars 2024 à 23 h 41'), 'filed 18 minutes before the deadline');
  assert.equal(await filters.getByLabel('Module', { exact: true }).inputValue(), 'M1', 'the filter is kept');
  await checkA11y(page, 'candidatures 2024 (module M1)');

  // The CSV export of the filtered table.
  const csvLink = main(page).getByRole('link', { name: 'CSV', exact: true });
  for (const [name, format] of [['CSV', 'csv'], ['Excel (XLSX)', 'xlsx'], ['OpenDocument (ODS)', 'ods']]) {
    const href = new URL(await main(page).getByRole('link', { name, exact: true }).getAttribute('href'), baseUrl);
    assert.equal(href.pathname, `${new URL(page.url()).pathname}/export`);
    assert.equal(href.searchParams.get('format'), format);
    assert.equal(href.searchParams.get('module'), 'M1', 'the export follows the filter');
  }
  const { dl: csv, bytes: csvBytes } = await download(page, csvLink);
  assert.equal(csv.suggestedFilename(), 'candidatures-M1.csv');
  const text = csvBytes.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter(Boolean);
  assert.match(lines[0], /^module[,;]structure[,;]siret[,;]departements[,;]statut[,;]deposee_le[,;]pieces[,;]resume$/);
  assert.equal(lines.length, 4, `a header and three applications:\n${text}`);
  for (const name of m1Structures) assert.ok(text.includes(name), `${name} in the CSV`);
  assert.equal(lines.filter((l) => /[,;]Retenue[,;]/.test(l)).length, 1);
  assert.equal(lines.filter((l) => /[,;]Non retenue[,;]/.test(l)).length, 2);
  const csvRes = await page.context().request.get(new URL(await csvLink.getAttribute('href'), baseUrl).href);
  assert.match(csvRes.headers()['content-type'], /^text\/csv/);
  assert.match(csvRes.headers()['content-disposition'], /^attachment; filename="candidatures-M1\.csv"/);

  // The retained application, as the CAF sees it, and its receipt.
  await main(page).getByRole('link', { name: retained[0], exact: true }).click();
  await page.waitForURL((u) => new RegExp(`^/candidatures/${UUID}$`).test(u.pathname));
  await expectH1(page, `Candidature M1 — ${retained[0]}`);
  const facts = await main(page).locator('dl.profile-facts').first().innerText();
  assert.match(facts, /État\s+Retenue/);
  assert.match(facts, new RegExp(`Appel\\s+${CALL_2024}`));
  assert.match(facts, /Départements\s+Allier \(03\) et Puy-de-Dôme \(63\)/);
  assert.match(facts, /Déposée le\s+vendredi 15 mars 2024 à 16 h 42(\s|$)/);
  assert.equal(await page.getByRole('button', { name: 'Envoyer la candidature' }).count(), 0);
  const receiptLink = main(page)
    .getByRole('region', { name: 'Accusés de réception', exact: true })
    .getByRole('link', { name: /^Accusé de réception n° 2024-M1-\d{4}$/ });
  const number = (await receiptLink.innerText()).replace('Accusé de réception n° ', '').trim();
  await checkA11y(page, 'candidature retenue (coordination)');
  await receiptLink.click();
  await page.waitForURL((u) => new RegExp(`^/candidatures/${UUID}/accuses/${UUID}$`).test(u.pathname));
  await expectH1(page, `Accusé de réception n° ${number}`);
  await expectText(page, 'La candidature a été déposée le vendredi 15 mars 2024 à 16 h 42 (heure de Paris');
  const receipt = await mainText(page);
  assert.match(receipt, new RegExp(`Structure\\s+${retained[0]}`));
  assert.match(receipt, /Dossier de candidature signé : formulaire\.pdf/);
  assert.match(receipt, /SHA-256 : [0-9a-f]{64}/);
  await checkA11y(page, 'accusé de réception (coordination)');

  // The ZIP of module M1, from the call's page, with the keyboard.
  await visit(page, manageUrl, { label: 'appel 2024 (gestion, retour)' });
  const zipLink = main(page).getByRole('link', { name: 'Toutes les pièces (ZIP) du module M1', exact: true });
  const { dl: zip, bytes: zipBytes } = await download(page, zipLink, { keyboard: true });
  assert.match(zip.suggestedFilename(), /^pieces-m1\.zip$/i);
  assert.equal(zipBytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  // Stored, not compressed: the entry names are readable; one folder per structure.
  const folders = new Set([...zipBytes.toString('latin1').matchAll(/([^\x00-\x1f/]+)\/formulaire-formulaire\.pdf/g)].map((m) => m[1]));
  assert.equal(folders.size, 3, `one folder per M1 application: ${JSON.stringify([...folders])}`);
  assert.equal(page.url(), manageUrl, 'the page stays on the call');

  // The proposals and decisions, module by module and département by
  // département: the coordinator of both reads the four of the 2024 call.
  const decisions = main(page).getByRole('link', { name: 'CSV', exact: true });
  const res = await page.context().request.get(new URL(await decisions.getAttribute('href'), baseUrl).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-disposition'], /^attachment; filename="decisions-/);
  const rows = (await res.body()).toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.match(rows[0], /^module;departement;proposition;motivation;proposee_par;proposee_le;etat;/);
  assert.deepEqual(rows.slice(1).map((r) => r.split(';').slice(0, 2).join(' ')), ['M1 03', 'M1 63', 'M2 03', 'M2 63']);
  assert.ok(rows.some((r) => r.startsWith('M1;03;') && r.includes(';Validée par la Caf;')), rows.join('\n'));
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion');
});

s.journey('un agent de la Caf 63 ne voit pas l’appel de l’Allier seul', async ({ page, baseUrl }) => {
  assert.ok(newCallId, 'the call was created');
  await page.context().clearCookies(); // whatever the previous step left
  await login(page, baseUrl, 'agent63@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte');
  await visit(page, `${baseUrl}/gestion/appels`, { label: 'gestion des appels (agent 63)' });
  const titles = (await tableRows(page)).map((r) => r[0]);
  assert.ok(titles.includes(CALL_2024) && titles.includes(CALL_2027), JSON.stringify(titles));
  assert.ok(!titles.includes(NEW_CALL), `the Allier-only call is not listed: ${JSON.stringify(titles)}`);

  for (const [path, label] of [
    [`/gestion/appels/${newCallId}`, 'appel 03 (agent 63)'],
    [`/gestion/appels/${newCallId}/modules/M1`, 'module M1 de l’appel 03 (agent 63)'],
    [`/gestion/appels/${newCallId}/candidatures`, 'candidatures de l’appel 03 (agent 63)'],
    [`/gestion/appels/${newCallId}/publication`, 'publication de l’appel 03 (agent 63)'],
  ]) {
    await visit(page, `${baseUrl}${path}`, { status: 404, label });
    await expectH1(page, 'Page introuvable');
    assert.doesNotMatch(await mainText(page), new RegExp(NEW_CALL), `${path} says nothing of the call`);
  }
  const zip = await page.context().request.get(`${baseUrl}/gestion/appels/${newCallId}/modules/M1/pieces.zip`);
  assert.equal(zip.status(), 404);
  const csv = await page.context().request.get(`${baseUrl}/gestion/appels/${newCallId}/candidatures/export?format=csv`);
  assert.equal(csv.status(), 404);
});

s.assertSameOrigin();
