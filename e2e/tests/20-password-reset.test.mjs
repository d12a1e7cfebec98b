// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 2: forgotten password, through the e-mail the SMTP sink received.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { extractLinks } from '../lib/smtp.mjs';
import {
  ADMIN_EMAIL,
  DEMO_PASSWORD,
  apos,
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
const NEW_PASSWORD = 'Un nouveau mot de passe, bien long 42';
const SENT = "Si un compte existe pour cette adresse, un e-mail vient d'être envoyé.";
const UNKNOWN = 'personne@example.invalid';
let link;

async function requestLink(page, baseUrl, email) {
  await page.goto(`${baseUrl}/mot-de-passe-oublie`);
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Recevoir un lien', exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, SENT);
}

s.journey('demande de lien : même réponse, que le compte existe ou non', async ({ page, baseUrl, smtp }) => {
  await visit(page, `${baseUrl}/connexion`, { label: 'connexion' });
  await page.getByRole('link', { name: 'Mot de passe oublié ?', exact: true }).click();
  await expectPath(page, '/mot-de-passe-oublie');
  await checkA11y(page, 'mot de passe oublié');

  await requestLink(page, baseUrl, UNKNOWN);
  await checkA11y(page, 'mot de passe oublié (envoyé)');
  await requestLink(page, baseUrl, ADMIN_EMAIL);

  const msg = await smtp.waitForMessage(
    (m) => m.to.includes(ADMIN_EMAIL) && /mot de passe/i.test(m.subject),
    20_000,
  );
  assert.ok(!smtp.messages.some((m) => m.to.includes(UNKNOWN)), 'no e-mail for an unknown address');
  link = resetLink(extractLinks(msg), baseUrl);
});

s.journey('nouveau mot de passe par le lien reçu, puis connexion', async ({ page, baseUrl }) => {
  assert.ok(link, 'previous step got the link');
  await visit(page, link, { label: 'réinitialiser' });
  await submitNewPassword(page, NEW_PASSWORD);
  await expectPath(page, '/connexion');
  await expectText(page, 'Votre mot de passe a été modifié. Vous pouvez vous connecter.');
  await checkA11y(page, 'connexion (mot de passe modifié)');

  await submitLogin(page, ADMIN_EMAIL, DEMO_PASSWORD);
  await expectText(page, 'Adresse e-mail ou mot de passe incorrect.');

  await login(page, baseUrl, ADMIN_EMAIL, NEW_PASSWORD);
  await logout(page, baseUrl);
});

s.journey('le lien ne sert qu’une fois', async ({ page }) => {
  assert.ok(link, 'previous step got the link');
  await page.goto(link);
  await expectText(page, apos("Ce lien n'est plus valable"));
  assert.equal(await page.getByLabel('Nouveau mot de passe', { exact: true }).count(), 0, 'no form on a used link');
  await checkA11y(page, 'lien expiré');
});

s.journey('un jeton inventé est refusé', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/reinitialiser/jeton-invente-0123456789abcdef`);
  await expectText(page, apos("Ce lien n'est plus valable"));
  await checkA11y(page, 'lien inconnu');
  assert.equal(await page.locator('h1').count(), 1, 'the page has one <h1>');
});

s.assertSameOrigin();
