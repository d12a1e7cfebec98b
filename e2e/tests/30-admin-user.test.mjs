// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 3: the admin creates an account; its owner activates it by e-mail and logs in.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { extractLinks } from '../lib/smtp.mjs';
import {
  ADMIN_EMAIL,
  DEMO_PASSWORD,
  expectH1,
  expectPath,
  expectText,
  login,
  logout,
  nav,
  resetLink,
  submitLogin,
  submitNewPassword,
} from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const NEW_USER = { name: 'Camille Essai', email: 'camille.essai@example.org', password: 'Camille choisit un mot de passe 2025' };
const ROLES = ['admin', 'caf_agent', 'coordinator', 'committee_member', 'trainer', 'structure_referent', 'promeneur'];

s.journey('l’admin ouvre le formulaire de création', async ({ page, baseUrl }) => {
  await login(page, baseUrl, ADMIN_EMAIL, DEMO_PASSWORD, { a11y: true });
  await visit(page, `${baseUrl}/admin/utilisateurs`, { label: 'comptes' });
  await expectH1(page, 'Comptes');
  await page.getByRole('link', { name: 'Créer un compte', exact: true }).click();
  await expectPath(page, '/admin/utilisateurs/nouveau');
  await checkA11y(page, 'nouveau compte');

  const role = page.getByLabel('Rôle', { exact: true });
  const values = await role.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual([...values].sort(), [...ROLES].sort());
  assert.equal((await role.locator('option[value="caf_agent"]').innerText()).trim(), 'Agent de Caf');
  const depts = page.getByRole('group', { name: 'Départements', exact: true });
  await depts.getByLabel('03 — Allier', { exact: true }).waitFor();
  await depts.getByLabel('63 — Puy-de-Dôme', { exact: true }).waitFor();
});

s.journey('erreur de saisie signalée (validation côté serveur)', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/admin/utilisateurs/nouveau`);
  // Skip the browser's own validation to see the server's error state.
  await page.locator('main form').evaluateAll((forms) => forms.forEach((f) => (f.noValidate = true)));
  await page.getByLabel('Nom', { exact: true }).fill('Sans Adresse');
  await page.getByLabel('Adresse e-mail', { exact: true }).fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Créer le compte', exact: true }).click();
  await page.waitForLoadState('load');
  const invalid = page.locator('main [aria-invalid="true"]');
  await invalid.first().waitFor().catch(() => {
    throw new Error(`no field marked aria-invalid="true" after a bad submission (${page.url()})`);
  });
  const describedBy = await invalid.first().getAttribute('aria-describedby');
  assert.ok(describedBy, 'the invalid field points to its message with aria-describedby');
  for (const id of describedBy.split(/\s+/)) {
    assert.ok((await page.locator(`[id="${id}"]`).innerText()).trim(), `#${id} holds the error message`);
  }
  await checkA11y(page, 'nouveau compte (erreur)');
});

s.journey('l’admin crée un compte Agent de Caf sur 03 et 63', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/admin/utilisateurs/nouveau`);
  await page.getByLabel('Nom', { exact: true }).fill(NEW_USER.name);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(NEW_USER.email);
  await page.getByLabel('Rôle', { exact: true }).selectOption('caf_agent');
  await page.getByLabel('03 — Allier', { exact: true }).check();
  await page.getByLabel('63 — Puy-de-Dôme', { exact: true }).check();
  await page.getByRole('button', { name: 'Créer le compte', exact: true }).click();
  await expectPath(page, '/admin/utilisateurs');
  await expectText(page, 'Compte créé');
  await expectText(page, NEW_USER.email);
  await checkA11y(page, 'comptes (compte créé)');
  await logout(page, baseUrl);
});

s.journey('le nouvel utilisateur active son compte et se connecte', async ({ page, baseUrl, smtp }) => {
  const msg = await smtp.waitForMessage(
    (m) => m.to.includes(NEW_USER.email) && /Activez votre compte/i.test(m.subject),
    20_000,
  );
  const link = resetLink(extractLinks(msg), baseUrl);
  await visit(page, link, { label: 'activation' });
  await submitNewPassword(page, NEW_USER.password);
  await page.waitForURL((u) => !u.pathname.startsWith('/reinitialiser/'));
  await checkA11y(page, 'après activation');
  // Whether or not activation logs the user in, log in explicitly below.
  if (await nav(page).getByRole('button', { name: 'Se déconnecter', exact: true }).count()) await logout(page, baseUrl);

  await page.goto(`${baseUrl}/connexion`);
  await submitLogin(page, NEW_USER.email, NEW_USER.password);
  await expectPath(page, '/accueil');
  await checkA11y(page, 'mon accueil (nouvel utilisateur)');
  await visit(page, `${baseUrl}/compte`, { label: 'mon compte (nouvel utilisateur)' });
  await expectH1(page, 'Mon compte');
});

s.assertSameOrigin();
