// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 6: a coordinator imports promeneurs from a CSV file: the errors of
// a bad row are reported by line and column with nothing written; once fixed,
// the file is imported and both people appear in the network's list.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { checkA11y, visit } from '../lib/browser.mjs';
import { DEMO_PASSWORD, apos, expectH1, expectPath, expectText, login } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const COORDINATOR_EMAIL = 'coordination@demo.promeneurs.fr';

const HEADER =
  'prenom;nom;email;structure;fonction;commune;reseaux;presences;statut;heures_par_semaine;debut_mandat;charte_signee_le;formation_initiale_le;consentement_public';
const TOM = ['Tom', 'Delaunay', 'tom.delaunay@example.org', 'Centre social de Vichy', 'Animateur jeunesse', 'Vichy'];
const INES = ['Inès', 'Carpentier', 'ines.carpentier@example.org', 'Centre social de Vichy', 'Informatrice jeunesse', 'Vichy'];
const rest = (networks, presence) => [networks, presence, 'actif', '4', '01/09/2025', '01/09/2025', '15/09/2025', 'oui'];
const csv = (...rows) => `${[HEADER, ...rows.map((r) => r.join(';'))].join('\r\n')}\r\n`;

const BAD_FILE = csv(
  [...TOM, ...rest('instagram:pdn.tom.vichy', 'mardi 17h-19h')],
  [...INES, ...rest('instagram:https://www.tiktok.com/@tom', 'jeudi 19h-17h')],
);
const GOOD_FILE = csv(
  [...TOM, ...rest('instagram:pdn.tom.vichy', 'mardi 17h-19h')],
  [...INES, ...rest('instagram:pdn.ines.vichy, snapchat:pdn-ines-vichy', 'jeudi 14h-16h30')],
);

let dir;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'promeneurs-e2e-import-'));
});
after(async () => {
  if (dir && !process.env.E2E_KEEP_TMP) await rm(dir, { recursive: true, force: true });
});

/** On /reseau/import: choose "des promeneurs", attach `file` and submit. */
async function uploadPromeneurs(page, file) {
  await page.getByRole('group', { name: 'Le fichier contient', exact: true }).getByLabel('des promeneurs', { exact: true }).check();
  await page.getByLabel('Fichier (CSV, XLSX ou ODS)', { exact: true }).setInputFiles(file);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/reseau/import'),
    page.getByRole('button', { name: 'Vérifier le fichier', exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Search the staff list of promeneurs with "Nom ou e-mail"; returns the names listed. */
async function searchPromeneurs(page, baseUrl, q) {
  await visit(page, `${baseUrl}/reseau/promeneurs`, { label: 'promeneurs' });
  const form = page.getByRole('search', { name: 'Filtrer les promeneurs', exact: true });
  await form.getByLabel('Nom ou e-mail', { exact: true }).fill(q);
  await form.getByRole('button', { name: 'Filtrer', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/reseau/promeneurs' && u.searchParams.get('q') === q);
  await expectH1(page, 'Promeneurs');
  return page.locator('main table tbody tr td:first-child').allInnerTexts();
}

s.journey('la coordination ouvre l’import de tableur', async ({ page, baseUrl }) => {
  await login(page, baseUrl, COORDINATOR_EMAIL, DEMO_PASSWORD, { a11y: true });
  await checkA11y(page, 'mon compte (coordination)');
  await visit(page, `${baseUrl}/reseau/promeneurs`, { label: 'promeneurs (coordination)' });
  await page.getByRole('link', { name: 'Importer un tableur', exact: true }).click();
  await expectPath(page, '/reseau/import');
  await expectH1(page, 'Importer un tableur');
  assert.ok(
    await page.getByLabel('des promeneurs', { exact: true }).isChecked(),
    '"des promeneurs" is chosen by default',
  );
  await checkA11y(page, 'import');
});

s.journey('un fichier avec des erreurs : tableau ligne/colonne, rien d’enregistré', async ({ page, baseUrl }) => {
  const file = path.join(dir, 'promeneurs-rentree.csv');
  await writeFile(file, BAD_FILE, 'utf8');
  const response = await uploadPromeneurs(page, file);
  assert.equal(response.status(), 422, 'a file with errors is refused (HTTP 422)');
  await expectH1(page, 'Le fichier contient des erreurs');
  await expectText(page, apos("Rien n'a été enregistré."));
  assert.equal(
    await page.getByRole('button', { name: apos("Confirmer l'import") }).count(),
    0,
    'no way to confirm a file with errors',
  );

  const table = page.getByRole('region', { name: 'Erreurs par ligne', exact: true }).locator('table');
  const headers = await table.locator('thead th').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim()), ['Ligne', 'Colonne', 'Erreur']);
  const rows = await table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert.equal(rows.length, 2, `two errors, both on row 3: ${JSON.stringify(rows)}`);
  const byColumn = Object.fromEntries(rows.map(([line, column, message]) => [column, { line, message }]));
  assert.deepEqual(Object.keys(byColumn).sort(), ['presences', 'reseaux']);
  assert.equal(byColumn.reseaux.line, '3');
  assert.match(byColumn.reseaux.message, apos("Cette adresse est celle d'un compte TikTok, pas d'un compte Instagram."));
  assert.equal(byColumn.presences.line, '3');
  assert.match(byColumn.presences.message, /jeudi 19h-17h/);
  assert.match(byColumn.presences.message, apos("heure de fin doit être après l'heure de début"));
  await expectText(page, 'Corrigez les 2 erreurs ci-dessous');
  await checkA11y(page, 'import (erreurs)');

  // Nothing written: not even the good row 2.
  assert.deepEqual(await searchPromeneurs(page, baseUrl, 'Delaunay'), []);
  await expectText(page, 'Aucun promeneur ne correspond.');
  await checkA11y(page, 'promeneurs ?q=Delaunay (vide)');
});

s.journey('le fichier corrigé : aperçu, confirmation, import terminé', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/reseau/import`, { label: 'import (de nouveau)' });
  const file = path.join(dir, 'promeneurs-rentree-corrige.csv');
  await writeFile(file, GOOD_FILE, 'utf8');
  const response = await uploadPromeneurs(page, file);
  assert.equal(response.status(), 200);
  await expectH1(page, 'Prêt à importer');
  await expectText(page, /2\s+fiches à créer et\s+0\s+à mettre à jour/);
  const preview = page.getByRole('region', { name: 'Aperçu', exact: true }).locator('tbody tr');
  const planned = await preview.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert.equal(planned.length, 2);
  assert.deepEqual(planned.map((r) => r.slice(0, 2)), [['2', 'création'], ['3', 'création']]);
  assert.match(planned[0][2], /Tom Delaunay/);
  assert.match(planned[1][2], /Inès Carpentier/);
  await checkA11y(page, 'import (prêt)');

  await page.getByRole('button', { name: apos("Confirmer l'import"), exact: true }).click();
  await page.waitForURL((u) => /^\/reseau\/import\/[0-9a-f-]{36}$/.test(u.pathname));
  await expectH1(page, 'Import terminé');
  const summary = await page.getByRole('status').filter({ hasText: 'promeneurs-rentree-corrige.csv' }).innerText();
  assert.match(summary, /\b2 créé\(s\), 0 mis à jour\b/, summary);
  await checkA11y(page, 'import terminé');
  await page.getByRole('link', { name: 'Voir les promeneurs', exact: true }).click();
  await expectPath(page, '/reseau/promeneurs');
  await checkA11y(page, 'promeneurs (après import)');
});

s.journey('les deux nouvelles personnes sont dans la liste des promeneurs', async ({ page, baseUrl }) => {
  assert.deepEqual(await searchPromeneurs(page, baseUrl, 'Delaunay'), ['Tom Delaunay']);
  await checkA11y(page, 'promeneurs ?q=Delaunay');
  assert.deepEqual(await searchPromeneurs(page, baseUrl, 'ines.carpentier@example.org'), ['Inès Carpentier']);
  const row = page.locator('main table tbody tr').first();
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1].trim(), 'Centre social de Vichy');
  assert.equal(cells[2].trim(), 'Vichy');
  assert.equal(cells[3].trim(), 'Actif');
  await checkA11y(page, 'promeneurs ?q=ines.carpentier@…');

  await row.getByRole('link', { name: 'Inès Carpentier', exact: true }).click();
  await expectH1(page, 'Inès Carpentier');
  await checkA11y(page, 'fiche Inès Carpentier');
  assert.equal(await page.getByLabel('Fin du créneau 1', { exact: true }).inputValue(), '16:30');
});

s.assertSameOrigin();
