// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 10: a committee decision. A member of the committee of the 2027
// call scores the two applications to module M2 in the Allier (an error
// first), the better one being the demo referent's; he proposes it on the
// results page; a CAF 03 agent validates the proposal, prepares and sends the
// result letters (the page fits a phone; its list exports to a spreadsheet); the referent finds its application retained, with its
// result letter (a PDF) and its agreement to sign.
// Demo data (app/src/demo_calls.rs): the 2027 call is published, module M2
// is closed (its deadline has passed, so the committee may propose) with
// two filed applications of the Allier only, one of them by the referent's
// structure; comite@demo sits alone on the committee, and agent03, who did
// not propose, validates.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkA11y, visit } from '../lib/browser.mjs';
import {
  DEMO_PASSWORD,
  apos,
  expectH1,
  expectNoSideScroll,
  expectOnFirstScreen,
  expectPath,
  expectText,
  login,
  logout,
  nav,
} from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const CALL_2027 = 'Appel à candidatures Promeneurs du Net 2027';
const M2_TITLE = 'Formations complémentaires des promeneurs';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CRITERIA = [
  'Qualité du projet (faisabilité et pertinence)',
  'Expérience de la structure dans le domaine de la jeunesse',
  'Cohérence du projet avec les orientations du cahier des charges et le projet global de la structure',
  'Capacité de la structure à mettre en œuvre durablement le projet',
  'Références et expérience des professionnels pressentis pour les formations',
];
const COEFFICIENTS = [3, 2, 2, 2, 3];
const GOOD = [18, 17, 16, 17, 18]; // (54 + 34 + 32 + 34 + 54) / 240 → 86,67 / 100
const POOR = [10, 11, 12, 10, 9]; // (30 + 22 + 24 + 20 + 27) / 240 → 51,25 / 100

const main = (page) => page.getByRole('main');
const criterion = (page, i) =>
  page.getByRole('group', { name: 'Grille de notation du module M2', exact: true })
    .getByLabel(`${CRITERIA[i]} (sur 20, coefficient ${COEFFICIENTS[i]})`, { exact: true });

/** The cells of the rows of the table captioned `caption` in <main>, as trimmed texts. */
async function rowsOf(page, caption) {
  return main(page)
    .getByRole('table', { name: caption })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.innerText.trim())));
}

let mine; // the referent's structure and application
let other; // the other M2 application of the Allier
let resultsPath;

s.journey('la référente repère sa candidature au module M2', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'structure@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (référente)');
  await nav(page).getByRole('link', { name: 'Candidatures', exact: true }).click();
  await expectPath(page, '/candidatures');
  await expectH1(page, 'Mes candidatures');
  await checkA11y(page, 'mes candidatures (avant)');
  const row = main(page).getByRole('row').filter({ hasText: CALL_2027 }).filter({ hasText: 'M2' });
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1].trim(), 'M2');
  assert.equal(cells[3].trim(), 'Allier (03)');
  assert.equal(cells[4].trim(), 'Déposée');
  const href = await row.getByRole('link', { name: CALL_2027, exact: true }).getAttribute('href');
  assert.match(href, new RegExp(`^/candidatures/${UUID}$`));
  mine = { structure: cells[2].trim(), path: href };
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion');
});

s.journey('un membre du comité voit les deux candidatures à évaluer', async ({ page, baseUrl }) => {
  assert.ok(mine, 'previous step found the application');
  await login(page, baseUrl, 'comite@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (comité)');
  await nav(page).getByRole('link', { name: 'Comité', exact: true }).click();
  await expectPath(page, '/comite');
  await expectH1(page, 'Mon comité');
  await checkA11y(page, 'mon comité');
  const call = main(page).getByRole('region', { name: CALL_2027, exact: true });
  const callText = await call.innerText();
  assert.match(callText, new RegExp(apos("Vous y siégez au titre de : Conseil départemental de l'Allier").source));
  assert.match(callText, /Votre progression : 0 sur 2 évaluées\./);
  await call.getByRole('heading', { level: 3, name: `Module M2 — ${M2_TITLE}`, exact: true }).waitFor();
  const rows = await call.getByRole('table', { name: 'Candidatures au module M2 (2)', exact: true })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.innerText.trim())));
  assert.equal(rows.length, 2);
  for (const r of rows) assert.deepEqual(r.slice(1), ['Allier (03)', 'à évaluer']);
  const names = rows.map((r) => r[0]);
  assert.ok(names.includes(mine.structure), `${mine.structure} in ${JSON.stringify(names)}`);
  other = { structure: names.find((n) => n !== mine.structure) };
  assert.ok(other.structure, 'another application');
  for (const app of [mine, other]) {
    const href = await call.getByRole('link', { name: app.structure, exact: true }).getAttribute('href');
    assert.match(href, new RegExp(`^/comite/candidatures/${UUID}$`));
    app.review = href;
  }
  assert.equal(mine.review.replace('/comite', ''), mine.path, 'the same application');
  const results = call.getByRole('link', { name: 'Résultats et proposition du module M2', exact: true });
  resultsPath = await results.getAttribute('href');
  assert.match(resultsPath, new RegExp(`^/gestion/appels/${UUID}/modules/M2/resultats$`));
});

/** Fill the grid with `marks`, a comment, round 1, and submit. */
async function score(page, marks, comment) {
  for (const [i, m] of marks.entries()) await criterion(page, i).fill(String(m));
  await page.getByLabel('Commentaire', { exact: true }).fill(comment);
  await page.getByRole('radio', { name: "Avant l'audition", exact: true }).check();
  await page.getByRole('button', { name: 'Enregistrer mon évaluation', exact: true }).click();
  await page.waitForLoadState('load');
}

s.journey('il note la candidature de la référente, avec une erreur d’abord', async ({ page, baseUrl }) => {
  assert.ok(mine?.review, 'previous step listed the applications');
  await main(page).getByRole('region', { name: CALL_2027, exact: true }).getByRole('link', { name: mine.structure, exact: true }).click();
  await expectPath(page, mine.review);
  await expectH1(page, `Candidature M2 — ${mine.structure}`);
  const facts = await main(page).locator('dl.profile-facts').innerText();
  assert.match(facts, new RegExp(`Appel\\s+${CALL_2027}`));
  assert.match(facts, /Départements\s+Allier \(03\)/);
  assert.match(facts, /État\s+Déposée/);
  await expectText(page, "Vous n'avez pas encore évalué cette candidature.");
  await expectText(page, "Les évaluations des autres membres s'affichent une fois la vôtre enregistrée.");
  await checkA11y(page, 'évaluation (vide)');

  // 21 is above the maximum of 20: refused, what was typed is kept; on a
  // phone the error summary is the first thing on the screen, focused.
  const marks = [21, ...GOOD.slice(1)];
  await page.setViewportSize({ width: 360, height: 780 });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === mine.review),
    score(page, marks, 'Projet solide, formateurs expérimentés.'),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState('load');
  try {
    await expectOnFirstScreen(page, '.error-summary');
    assert.equal(
      await page.evaluate(() => document.activeElement?.classList.contains('error-summary')),
      true,
      'the error summary has the focus',
    );
    await checkA11y(page, 'évaluation (erreur, 360 px)');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  const first = criterion(page, 0);
  assert.equal(await first.getAttribute('aria-invalid'), 'true');
  const errorId = await first.getAttribute('aria-describedby');
  const error = await page.locator(`[id="${errorId}"]`).innerText();
  assert.equal(error, 'La note est un entier de 0 à 20.');
  const summary = main(page).getByRole('alert');
  assert.match(await summary.innerText(), /Le formulaire contient une erreur\s+La note est un entier de 0 à 20\./);
  assert.equal(await first.inputValue(), '21');
  for (const i of [1, 2, 3, 4]) assert.equal(await criterion(page, i).inputValue(), String(GOOD[i]));
  assert.equal(await page.getByLabel('Commentaire', { exact: true }).inputValue(), 'Projet solide, formateurs expérimentés.');
  await checkA11y(page, 'évaluation (erreur)');

  await score(page, GOOD, 'Projet solide, formateurs expérimentés.');
  await expectPath(page, mine.review);
  const own = await main(page).getByRole('region', { name: 'Mon évaluation', exact: true }).innerText();
  assert.match(own, new RegExp(apos("Tour 1 (avant l'audition) : votre note est de 86,67 / 100 (enregistrée le").source));
  assert.equal(await page.getByRole('alert').count(), 0, 'no error left');
  await expectText(page, "Aucun autre membre n'a encore évalué cette candidature.");
  await checkA11y(page, 'évaluation enregistrée');
});

s.journey('il note l’autre candidature plus bas', async ({ page, baseUrl }) => {
  assert.ok(other?.review, 'the applications were listed');
  await visit(page, `${baseUrl}/comite`, { label: 'mon comité (1 sur 2)' });
  assert.match(await main(page).getByRole('region', { name: CALL_2027, exact: true }).innerText(), /Votre progression : 1 sur 2 évaluées\./);
  await main(page).getByRole('region', { name: CALL_2027, exact: true }).getByRole('link', { name: other.structure, exact: true }).click();
  await expectPath(page, other.review);
  await expectH1(page, `Candidature M2 — ${other.structure}`);
  await checkA11y(page, 'évaluation de l’autre candidature');
  await score(page, POOR, 'Projet encore flou, peu de références.');
  const own = await main(page).getByRole('region', { name: 'Mon évaluation', exact: true }).innerText();
  assert.match(own, /votre note est de 51,25 \/ 100/);
  await checkA11y(page, 'autre évaluation enregistrée');

  await nav(page).getByRole('link', { name: 'Comité', exact: true }).click();
  await expectPath(page, '/comite');
  const call = main(page).getByRole('region', { name: CALL_2027, exact: true });
  assert.match(await call.innerText(), /Votre progression : 2 sur 2 évaluées\./);
  const rows = await call.getByRole('table', { name: 'Candidatures au module M2 (2)', exact: true })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.innerText.trim())));
  for (const r of rows) assert.equal(r[2], 'évaluée (tour 1)');
  await checkA11y(page, 'mon comité (2 sur 2)');
});

s.journey('il propose la candidature la mieux classée dans l’Allier', async ({ page, baseUrl }) => {
  assert.ok(resultsPath, 'the results link was found');
  await main(page).getByRole('region', { name: CALL_2027, exact: true })
    .getByRole('link', { name: 'Résultats et proposition du module M2', exact: true }).click();
  await expectPath(page, resultsPath);
  await expectH1(page, `Résultats du module M2 — ${M2_TITLE}`);
  await checkA11y(page, 'résultats M2 (comité)');
  const allier = main(page).getByRole('region', { name: 'Allier (03)', exact: true });
  const text = await allier.innerText();
  assert.match(text, /Résultat : Attribuable/);
  const ranking = await allier.getByRole('table', { name: /^Classement dans le département Allier \(03\)/ })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.innerText.trim())));
  assert.deepEqual(ranking, [
    ['1', mine.structure, '03', '86,67 / 100', '86,67 / 100', '86,67 / 100', '1 sur 1', '—'],
    ['2', other.structure, '03', '51,25 / 100', '51,25 / 100', '51,25 / 100', '1 sur 1', '—'],
  ]);
  // The only member reviewed both: the committee's review is complete.
  assert.match(text, /Évaluation du comité complète/);
  await expectText(page, "Aucune proposition pour l'instant.");

  const form = allier.getByRole('group', { name: 'Proposer pour Allier (03)', exact: true });
  await form.getByRole('radio', { name: new RegExp(mine.structure) }).check();
  await allier.getByLabel('Motivation', { exact: true }).fill('Meilleure note du comité : un projet solide et des formateurs expérimentés.');
  await allier.getByRole('button', { name: 'Enregistrer la proposition pour Allier (03)', exact: true }).click();
  await page.waitForLoadState('load');
  await expectPath(page, resultsPath);
  const after = await main(page).getByRole('region', { name: 'Allier (03)', exact: true }).innerText();
  assert.match(after, /Statut\s+Proposée, en attente de la Caf/);
  assert.match(after, new RegExp(`Proposition\\s+Candidature retenue : ${mine.structure}`));
  assert.match(after, /Motivation\s+Meilleure note du comité/);
  await expectText(page, 'La Caf du département valide ou rejette cette proposition.');
  await checkA11y(page, 'résultats M2 (proposée)');
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion (comité)');
});

s.journey('un agent de la Caf 03 valide la proposition et envoie les courriers', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (agent 03)');
  await visit(page, `${baseUrl}${resultsPath}`, { label: 'résultats M2 (agent 03)' });
  await expectH1(page, `Résultats du module M2 — ${M2_TITLE}`);
  const allier = main(page).getByRole('region', { name: 'Allier (03)', exact: true });
  await allier.getByLabel('Commentaire de la Caf (facultatif)', { exact: true }).fill('Proposition conforme au classement.');
  await allier.getByRole('button', { name: 'Valider la proposition pour Allier (03)', exact: true }).click();
  await page.waitForLoadState('load');
  const text = await main(page).getByRole('region', { name: 'Allier (03)', exact: true }).innerText();
  assert.match(text, /Statut\s+Validée par la Caf/);
  assert.match(text, /Commentaire de la Caf\s+Proposition conforme au classement\./);
  await checkA11y(page, 'résultats M2 (validée)');

  await main(page).getByRole('link', { name: 'Courriers de résultat du module M2', exact: true }).click();
  await expectPath(page, resultsPath.replace(/resultats$/, 'courriers'));
  await expectH1(page, `Courriers du module M2 — ${M2_TITLE}`);
  await expectText(page, "Aucun courrier n'est préparé pour l'instant.");
  await checkA11y(page, 'courriers M2 (rien de préparé)');
  await main(page).getByRole('button', { name: 'Préparer les courriers', exact: true }).click();
  await page.waitForLoadState('load');
  const docs = await main(page).getByRole('table', { name: /^Documents du module M2/ })
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((r) => [...r.children].map((c) => c.innerText.trim())));
  await expectText(page, '3 documents préparés.');
  assert.deepEqual(docs.map((r) => [r[0], r[1], r[2], r[5]]).sort(), [
    [mine.structure, 'Convention', 'Retenue', 'À envoyer'],
    [mine.structure, 'Courrier', 'Retenue', 'À envoyer'],
    [other.structure, 'Courrier', 'Non retenue', 'À envoyer'],
  ].sort());
  assert.match(await main(page).locator('#progression').innerText(), /^0 sur 2 envoyé /);
  await checkA11y(page, 'courriers M2 (préparés)');
  await main(page).getByRole('button', { name: 'Envoyer tous les courriers', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, '2 courriers envoyés.');
  assert.match(await main(page).locator('#progression').innerText(), /^2 sur 2 envoyés /);
  const sent = await main(page).getByRole('table', { name: /^Documents du module M2/ }).locator('tbody tr td:last-child').allInnerTexts();
  // Handed to the mail queue: sent, or about to be (the worker runs apart).
  for (const status of sent) assert.match(status.trim(), /^(Envoyé|En file d'envoi)$/);
  assert.equal(sent.length, 3);
  await expectText(page, 'Tous les courriers préparés sont envoyés.');
  await checkA11y(page, 'courriers M2 (envoyés)');

  // The letters and their dispatch as a spreadsheet (CSV for French Excel).
  const csvLink = main(page).getByRole('link', { name: 'CSV', exact: true });
  const res = await page.context().request.get(new URL(await csvLink.getAttribute('href'), baseUrl).href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-disposition'], /^attachment; filename="courriers-M2-/);
  const csv = (await res.body()).toString('utf8');
  assert.ok(csv.startsWith('\ufeffcandidature;structure;document;resultat;'), csv.slice(0, 80));
  const lines = csv.trim().split(/\r?\n/).slice(1);
  assert.equal(lines.length, 3, csv);
  assert.ok(lines.some((l) => l.includes(`;${mine.structure};Convention;Retenue;`)), csv);
  assert.ok(lines.some((l) => l.includes(`;${other.structure};Courrier de résultat;Non retenue;`)), csv);

  // On a phone the page does not scroll sideways: the table scrolls alone.
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await page.reload();
    await expectH1(page, `Courriers du module M2 — ${M2_TITLE}`);
    await expectNoSideScroll(page, 'la page des courriers');
    await checkA11y(page, 'courriers M2 (360 px)');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion (agent 03)');
});

s.journey('la référente trouve sa candidature retenue et télécharge son courrier', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'structure@demo.promeneurs.fr', DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (référente, après)');
  await nav(page).getByRole('link', { name: 'Candidatures', exact: true }).click();
  await expectPath(page, '/candidatures');
  await checkA11y(page, 'mes candidatures (après)');
  const row = main(page).getByRole('row').filter({ hasText: CALL_2027 }).filter({ hasText: 'M2' });
  assert.equal((await row.locator('td').nth(4).innerText()).trim(), 'Retenue');
  await row.getByRole('link', { name: CALL_2027, exact: true }).click();
  await expectPath(page, mine.path);
  const facts = await main(page).locator('dl.profile-facts').first().innerText();
  assert.match(facts, /État\s+Retenue/);
  const letter = main(page).getByRole('link', { name: 'Courrier de résultat (PDF)', exact: true });
  assert.equal(await letter.getAttribute('href'), `${mine.path}/courrier.pdf`);
  const agreement = main(page).getByRole('link', { name: 'Convention à signer (PDF)', exact: true });
  assert.equal(await agreement.getAttribute('href'), `${mine.path}/convention.pdf`);
  await checkA11y(page, 'candidature retenue (référente)');
  const url = page.url();
  const [dl] = await Promise.all([page.waitForEvent('download'), letter.click()]);
  assert.equal(await dl.failure(), null);
  const bytes = await readFile(await dl.path());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(dl.suggestedFilename(), /\.pdf$/);
  assert.equal(page.url(), url, 'the page stays on the application');
  await logout(page, baseUrl);
  await checkA11y(page, 'après la déconnexion (référente)');
});

s.assertSameOrigin();
