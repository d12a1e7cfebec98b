// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 1: home → login (wrong then right password) → "Mon compte" → logout.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import {
  ADMIN_EMAIL,
  DEMO_PASSWORD,
  expectAnonymousNav,
  expectH1,
  expectLoggedInNav,
  expectPath,
  expectText,
  hrefPath,
  logout,
  nav,
  submitLogin,
} from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();

s.journey('accueil anonyme : lien « Se connecter », lien d’évitement', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/`, { label: 'accueil (anonyme)' });
  await expectAnonymousNav(page, baseUrl);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  // The first Tab stop is the skip link, which leads to <main id="contenu">.
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), href: document.activeElement.getAttribute('href') }));
  assert.deepEqual(first, { text: 'Aller au contenu', href: '#contenu' });
  assert.equal(await page.locator('main#contenu').count(), 1);
});

s.journey('connexion : mauvais mot de passe, puis succès, puis déconnexion', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/`);
  await nav(page).getByRole('link', { name: 'Se connecter', exact: true }).click();
  await expectPath(page, '/connexion');
  await expectH1(page, 'Connexion');
  await checkA11y(page, 'connexion');
  const forgot = page.getByRole('link', { name: 'Mot de passe oublié ?', exact: true });
  assert.equal(await hrefPath(forgot, baseUrl), '/mot-de-passe-oublie');

  await submitLogin(page, ADMIN_EMAIL, 'pas-le-bon-mot-de-passe');
  await expectPath(page, '/connexion');
  await expectText(page, 'Adresse e-mail ou mot de passe incorrect.');
  await expectAnonymousNav(page, baseUrl);
  await checkA11y(page, 'connexion (échec)');

  await submitLogin(page, ADMIN_EMAIL, DEMO_PASSWORD);
  // A login lands on the person's home, which says what to do next.
  await expectPath(page, '/accueil');
  await expectText(page, 'Administration');
  await expectLoggedInNav(page, baseUrl);
  await checkA11y(page, 'mon accueil');
  await visit(page, `${baseUrl}/compte`, { label: 'mon compte' });
  await expectH1(page, 'Mon compte');

  await page.goto(`${baseUrl}/`);
  await expectLoggedInNav(page, baseUrl);
  await checkA11y(page, 'accueil (connecté)');

  await logout(page, baseUrl);
  await checkA11y(page, 'après déconnexion');
  await page.goto(`${baseUrl}/`);
  await expectAnonymousNav(page, baseUrl);
});

s.assertSameOrigin();
