// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 8: the referent of a structure new to the platform signs up,
// activates the account from the e-mail, opens the 2027 renewal call, starts
// a bi-départemental application to module M1, uploads the signed form,
// files the application and reads its receipt (number, SHA-256, PDF).
// Demo data: a PUBLISHED call "Appel à candidatures Promeneurs du Net 2027"
// (03 and 63), module M1 open until 14 March 2027, requiring a document of
// kind `formulaire` labelled "Dossier de candidature signé".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { checkA11y, visit } from '../lib/browser.mjs';
import { extractLinks } from '../lib/smtp.mjs';
import {
  DEMO_PASSWORD,
  expectH1,
  expectOnFirstScreen,
  expectPath,
  expectText,
  login,
  logout,
  resetLink,
  submitLogin,
  submitNewPassword,
} from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const CALL = 'Appel à candidatures Promeneurs du Net 2027';
const PIECE = 'Dossier de candidature signé';
const EMAIL = 'referente@e2e-cusset.example.org';
const NAME = 'Inès Référente';
const STRUCTURE = 'Association Jeunesse Numérique de Cusset';
const PASSWORD = 'Un mot de passe de référente, bien long 2027';

/** A SIRET that passes the Luhn key (the demo's all start with 8). */
function luhnSiret(head) {
  for (let d = 0; d <= 9; d++) {
    const digits = `${head}${d}`;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let n = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) n -= 9;
      }
      sum += n;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('no Luhn digit');
}
const SIRET = luhnSiret('4123456780001');

// The signed form: a small PDF written for the test.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PDF_SHA256 = createHash('sha256').update(PDF).digest('hex');
let tmp;
let pdfPath;
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let callUrl;
let applicationUrl;

s.journey('une référente inscrit sa structure et active son compte', async ({ page, baseUrl, smtp }) => {
  await visit(page, `${baseUrl}/connexion`, { label: 'connexion' });
  await page.getByRole('main').getByRole('link', { name: 'Inscrire ma structure', exact: true }).click();
  await expectPath(page, '/inscription');
  await expectH1(page, 'Inscrire ma structure');
  await checkA11y(page, 'inscription');

  // The SIRET alone: the structure is unknown, so its fields are asked for.
  await page.getByLabel('Vos prénom et nom', { exact: true }).fill(NAME);
  await page.getByLabel('Votre adresse e-mail professionnelle', { exact: true }).fill(EMAIL);
  await page.getByLabel('SIRET de la structure', { exact: true }).fill(SIRET);
  await page.getByRole('button', { name: 'Créer mon compte', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'Le formulaire contient');
  assert.match(await page.title(), /^Erreur/);
  const summary = page.getByRole('alert');
  await summary.getByRole('link', { name: /^Ce SIRET n.est pas encore inscrit : indiquez le nom de la structure/ }).click();
  assert.equal(new URL(page.url()).hash, '#structure_name', 'the summary link leads to the field');
  assert.equal(await page.getByLabel('Nom de la structure', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Votre adresse e-mail professionnelle', { exact: true }).inputValue(), EMAIL, 'what was typed is kept');
  await checkA11y(page, 'inscription (erreurs)');

  await page.getByLabel('Nom de la structure', { exact: true }).fill(STRUCTURE);
  await page.getByLabel('Type de structure', { exact: true }).selectOption({ label: 'Association' });
  await page.getByLabel('Commune de la structure', { exact: true }).fill('03300 Cusset');
  await page.getByRole('button', { name: 'Créer mon compte', exact: true }).click();
  await expectPath(page, '/inscription/envoyee');
  await expectH1(page, 'Vérifiez votre messagerie');
  await checkA11y(page, 'inscription envoyée');

  const msg = await smtp.waitForMessage((m) => m.to.includes(EMAIL) && /Activez votre compte/i.test(m.subject), 20_000);
  const link = resetLink(extractLinks(msg), baseUrl);
  await visit(page, link, { label: 'activation' });
  await submitNewPassword(page, PASSWORD);
  await expectPath(page, '/connexion');
  await submitLogin(page, EMAIL, PASSWORD);
  await expectPath(page, '/accueil');
  await expectText(page, 'Mes candidatures');
  await visit(page, `${baseUrl}/compte`, { label: 'mon compte (référent)' });
  await expectText(page, 'Référent de structure');
});

s.journey("elle ouvre l'appel 2027 et commence une candidature bi-départementale", async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/appels`, { label: 'appels' });
  await page.getByRole('main').getByRole('link', { name: CALL }).first().click();
  await page.waitForURL((u) => /^\/appels\/[0-9a-f-]{36}$/.test(u.pathname));
  callUrl = page.url();
  await checkA11y(page, 'appel 2027');
  await page.locator('main a[href*="/candidater?module=M1"]').first().click();
  await page.waitForURL((u) => u.pathname.endsWith('/candidater') && u.searchParams.get('module') === 'M1');
  await expectH1(page, 'Candidater');
  await checkA11y(page, 'candidater M1');

  const departments = page.getByRole('group', { name: 'Départements concernés' });
  await departments.getByLabel('Allier (03)').check();
  await departments.getByLabel('Puy-de-Dôme (63)').check();
  await page
    .getByLabel('Présentation du projet (résumé)', { exact: true })
    .fill('Une coordination du réseau pour l’Allier et le Puy-de-Dôme.');
  await page.getByRole('button', { name: 'Commencer la candidature', exact: true }).click();
  await page.waitForURL((u) => /^\/candidatures\/[0-9a-f-]{36}$/.test(u.pathname));
  applicationUrl = `${new URL(page.url()).origin}${new URL(page.url()).pathname}`;
  await expectText(page, 'La candidature est commencée');
  await expectText(page, 'Allier (03) et Puy-de-Dôme (63)');
  await checkA11y(page, 'candidature (brouillon)');
});

s.journey('elle dépose le dossier signé et envoie la candidature', async ({ page, baseUrl }) => {
  assert.ok(applicationUrl, 'previous step started the application');
  tmp = await mkdtemp(path.join(tmpdir(), 'promeneurs-e2e-pdf-'));
  pdfPath = path.join(tmp, 'dossier-de-candidature-signe.pdf');
  await writeFile(pdfPath, PDF);

  await page.getByLabel(`Choisir le fichier : ${PIECE}`, { exact: true }).setInputFiles(pdfPath);
  await page.getByRole('button', { name: `Ajouter ce fichier : ${PIECE}`, exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'La pièce est déposée.');
  await expectText(page, 'dossier-de-candidature-signe.pdf');
  // The digest, shortened, with its full value one click away.
  const details = page.locator('main details', { hasText: PDF_SHA256.slice(0, 12) }).first();
  await details.locator('summary').click();
  await expectText(page, PDF_SHA256);
  await checkA11y(page, 'candidature (pièce déposée)');

  await page.getByRole('button', { name: 'Envoyer la candidature', exact: true }).click();
  await page.waitForURL((u) => /^\/candidatures\/[0-9a-f-]{36}\/accuses\/[0-9a-f-]{36}$/.test(u.pathname));
  const h1 = (await page.locator('h1').innerText()).trim();
  assert.match(h1, /^Accusé de réception n° 2027-M1-\d{4}$/, h1);
  await expectText(page, PDF_SHA256);
  await expectText(page, 'dossier-de-candidature-signe.pdf');
  await expectText(page, /déposée le .+ à \d{1,2} h( \d{2})? \(heure de Paris/);
  assert.doesNotMatch(await page.locator('main').innerText(), /\d+ h \d{2} min \d{2} s/, 'shown to the minute');
  await checkA11y(page, 'accusé de réception');

  const pdfLink = page.getByRole('link', { name: 'Télécharger l’accusé de réception (PDF)' })
    .or(page.getByRole('link', { name: "Télécharger l'accusé de réception (PDF)" }));
  const href = await pdfLink.first().getAttribute('href');
  const res = await page.context().request.get(new URL(href, baseUrl).href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.match(res.headers()['content-disposition'], /^attachment/);
  assert.equal((await res.body()).subarray(0, 4).toString('latin1'), '%PDF');
});

s.journey('la candidature déposée est en lecture seule et listée', async ({ page, baseUrl, smtp }) => {
  await visit(page, applicationUrl, { label: 'candidature (déposée)' });
  await expectText(page, 'Déposée');
  assert.equal(await page.getByRole('button', { name: 'Enregistrer le formulaire' }).count(), 0, 'the form is read-only');
  assert.equal(await page.getByRole('button', { name: 'Envoyer la candidature' }).count(), 0);
  await page.getByRole('link', { name: /^Accusé de réception n° 2027-M1-/ }).first().waitFor();

  await visit(page, `${baseUrl}/candidatures`, { label: 'mes candidatures' });
  await expectH1(page, 'Mes candidatures');
  await page.getByRole('link', { name: CALL }).first().waitFor();
  const receipt = await smtp.waitForMessage((m) => m.to.includes(EMAIL) && /Accusé de réception/.test(m.subject), 20_000);
  assert.match(receipt.text, new RegExp(PDF_SHA256));
  assert.ok(callUrl, 'the call page was visited');
});

s.journey('la Caf demande un complément ; la structure y répond', async ({ page, baseUrl, smtp }) => {
  await logout(page, baseUrl);
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  await visit(page, applicationUrl, { label: 'candidature (vue de la Caf)' });
  assert.equal(await page.getByRole('button', { name: 'Envoyer la candidature' }).count(), 0, 'staff do not file');
  await page
    .getByLabel('Demander un complément : ce que la structure doit apporter', { exact: true })
    .fill('Joignez le budget prévisionnel de la coordination.');
  await page.getByRole('button', { name: 'Demander un complément', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'La demande de complément est enregistrée');
  await checkA11y(page, 'candidature (complément demandé, Caf)');
  await logout(page, baseUrl);

  await smtp.waitForMessage((m) => m.to.includes(EMAIL) && /Complément demandé/.test(m.subject), 20_000);
  await login(page, baseUrl, EMAIL, PASSWORD);
  await visit(page, applicationUrl, { label: 'candidature (complément demandé)' });
  await expectText(page, 'Joignez le budget prévisionnel de la coordination.');

  // A program renamed .pdf is refused by its content, with the reason.
  const exe = path.join(tmp, 'budget.pdf');
  await writeFile(exe, Buffer.from('MZ\x90\x00 This program cannot be run in DOS mode.', 'latin1'));
  await page.getByLabel('Choisir le fichier : autre pièce', { exact: true }).setInputFiles(exe);
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/pieces')),
    page.getByRole('button', { name: 'Ajouter ce fichier : autre pièce', exact: true }).click(),
  ]);
  assert.equal(refused.status(), 415);
  await page.waitForLoadState('load');
  await expectText(page, "Le fichier n'a pas été déposé. Ce type de fichier n'est pas accepté");
  await checkA11y(page, 'candidature (fichier refusé)');

  const budget = path.join(tmp, 'budget-previsionnel.pdf');
  await writeFile(budget, Buffer.from('%PDF-1.5\nbudget\n%%EOF\n'));
  await page.goto(applicationUrl);
  await page.getByLabel('Choisir le fichier : autre pièce', { exact: true }).setInputFiles(budget);
  await page.getByRole('button', { name: 'Ajouter ce fichier : autre pièce', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'budget-previsionnel.pdf');
  await page.getByLabel('Votre réponse à la demande de complément (facultatif)', { exact: true }).fill('Voici le budget.');
  await page.getByRole('button', { name: 'Envoyer la candidature', exact: true }).click();
  await page.waitForURL((u) => /\/accuses\//.test(u.pathname));
  assert.match((await page.locator('h1').innerText()).trim(), /^Accusé de réception n° 2027-M1-\d{4}$/);
  await expectText(page, 'budget-previsionnel.pdf');

  await visit(page, `${applicationUrl}/retrait`, { label: 'retrait (confirmation)' });
  await expectH1(page, 'Retirer la candidature');
});

s.journey('la structure écrit à la Caf (360 px) ; la Caf lui répond', async ({ page, baseUrl, smtp }) => {
  assert.ok(applicationUrl, 'an earlier journey filed the application');
  await logout(page, baseUrl);
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await login(page, baseUrl, EMAIL, PASSWORD);
    await visit(page, applicationUrl, { label: 'candidature (échanges, 360 px)' });
    // Sent empty: the page comes back with the error summary first and
    // focused, linking to the field.
    await page.getByRole('button', { name: 'Envoyer le message', exact: true }).click();
    await page.waitForLoadState('load');
    await expectOnFirstScreen(page, '#message-erreur', { focused: true });
    await checkA11y(page, 'candidature (message vide, 360 px)');
    await page.getByRole('link', { name: 'Écrivez votre message' }).click();
    await page.getByLabel('Écrire à la Caf', { exact: true }).fill('Notre local change d’adresse au 1er avril.');
    await page.getByRole('button', { name: 'Envoyer le message', exact: true }).click();
    await page.waitForLoadState('load');
    await expectText(page, 'Le message est envoyé');
    await expectText(page, 'Message de la structure');
    await checkA11y(page, 'candidature (message envoyé, 360 px)');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  const mail = await smtp.waitForMessage(
    (m) => m.to.includes('agent03@demo.promeneurs.fr') && /Message de .* sur sa candidature/.test(m.subject),
    20_000,
  );
  assert.match(mail.text, /change d.adresse au 1er avril/);

  await logout(page, baseUrl);
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  await expectText(page, 'message de structure sans réponse');
  await visit(page, applicationUrl, { label: 'candidature (échanges, Caf)' });
  await expectText(page, 'change d’adresse au 1er avril');
  await page.getByLabel('Écrire à la structure', { exact: true }).fill('Bien noté, merci : nous mettons la fiche à jour.');
  await page.getByRole('button', { name: 'Envoyer le message', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'Message de la Caf');
  await checkA11y(page, 'candidature (réponse de la Caf)');
  await smtp.waitForMessage((m) => m.to.includes(EMAIL) && /Message au sujet de votre candidature/.test(m.subject), 20_000);
});

s.journey('un collègue s’inscrit avec le même SIRET : la Caf confirme le rattachement', async ({ page, baseUrl, smtp }) => {
  const colleague = 'collegue@e2e-cusset.example.org';
  await logout(page, baseUrl);
  await visit(page, `${baseUrl}/inscription`, { label: 'inscription (collègue)' });
  await page.getByLabel('Vos prénom et nom', { exact: true }).fill('Hugo Collègue');
  await page.getByLabel('Votre adresse e-mail professionnelle', { exact: true }).fill(colleague);
  await page.getByLabel('SIRET de la structure', { exact: true }).fill(SIRET);
  await page.getByRole('button', { name: 'Créer mon compte', exact: true }).click();
  await expectPath(page, '/inscription/envoyee');
  await expectText(page, 'la Caf de son département doit confirmer');
  await checkA11y(page, 'inscription envoyée (rattachement)');
  await smtp.waitForMessage((m) => m.to.includes(colleague) && /Activez votre compte/i.test(m.subject), 20_000);

  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  await visit(page, `${baseUrl}/reseau/structures`, { label: 'structures (demandes en attente)' });
  const pending = page.getByRole('region', { name: /Demandes de rattachement en attente/ });
  await pending.getByRole('link', { name: STRUCTURE }).click();
  await page.waitForURL((u) => /^\/reseau\/structures\/[0-9a-f-]{36}$/.test(u.pathname));
  await expectH1(page, STRUCTURE);
  await expectText(page, NAME);
  await checkA11y(page, 'structure (demande de rattachement)');
  await page.getByRole('button', { name: 'Accepter la demande de Hugo Collègue', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, 'La demande est acceptée');
  await checkA11y(page, 'structure (rattachement accepté)');
  await smtp.waitForMessage((m) => m.to.includes(colleague) && /rattachement est confirmé/.test(m.subject), 20_000);
});

s.assertSameOrigin();
