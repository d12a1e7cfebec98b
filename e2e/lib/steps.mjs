// SPDX-License-Identifier: AGPL-3.0-or-later
// Shared steps of the journeys, written against the French UI labels.
import assert from 'node:assert/strict';
import { checkA11y } from './browser.mjs';

export const DEMO_PASSWORD = 'promeneurs-demo';
export const ADMIN_EMAIL = 'admin@demo.promeneurs.fr';

/** Apostrophes may be typographic (’) or ASCII ('): accept both. */
export const apos = (text) =>
  new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]"));

export const nav = (page) => page.getByRole('navigation', { name: 'Navigation principale' });

export async function expectH1(page, name) {
  await page
    .getByRole('heading', { level: 1, name, exact: true })
    .waitFor({ state: 'visible' })
    .catch(async () => {
      const h1 = await page.locator('h1').allInnerTexts();
      throw new Error(`expected <h1> "${name}" on ${page.url()}, found ${JSON.stringify(h1)}`);
    });
}

export async function expectText(page, text) {
  await page
    .getByText(typeof text === 'string' ? apos(text) : text)
    .first()
    .waitFor({ state: 'visible' })
    .catch(async () => {
      const body = (await page.locator('main').innerText().catch(() => '')).slice(0, 1500);
      throw new Error(`expected text ${text} on ${page.url()}; <main> says:\n${body}`);
    });
}

export async function expectPath(page, pathname) {
  await page.waitForURL((url) => url.pathname === pathname).catch(() => {
    throw new Error(`expected to be on ${pathname}, but on ${page.url()}`);
  });
}

export async function hrefPath(locator, baseUrl) {
  const href = await locator.getAttribute('href');
  assert.ok(href, 'link has an href');
  return new URL(href, baseUrl).pathname;
}

export async function expectAnonymousNav(page, baseUrl) {
  const n = nav(page);
  const login = n.getByRole('link', { name: 'Se connecter', exact: true });
  await login.waitFor({ state: 'visible' });
  assert.equal(await hrefPath(login, baseUrl), '/connexion');
  assert.equal(await n.getByRole('button', { name: 'Se déconnecter' }).count(), 0, 'no logout button when anonymous');
  assert.equal(await n.getByRole('link', { name: 'Mon compte' }).count(), 0, 'no "Mon compte" link when anonymous');
}

export async function expectLoggedInNav(page, baseUrl) {
  const n = nav(page);
  const account = n.getByRole('link', { name: 'Mon compte', exact: true });
  await account.waitFor({ state: 'visible' });
  assert.equal(await hrefPath(account, baseUrl), '/compte');
  const home = n.getByRole('link', { name: 'Mon accueil', exact: true });
  assert.equal(await hrefPath(home, baseUrl), '/accueil');
  await n.getByRole('button', { name: 'Se déconnecter', exact: true }).waitFor({ state: 'visible' });
  assert.equal(await n.getByRole('link', { name: 'Se connecter', exact: true }).count(), 0, 'no login link when logged in');
}

/** Fill and submit the login form on the current /connexion page. */
export async function submitLogin(page, email, password) {
  await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('main').getByRole('button', { name: 'Se connecter', exact: true }).click();
}

/** Log in from /connexion and land on /accueil ("Mon accueil"). */
export async function login(page, baseUrl, email, password, { a11y = false } = {}) {
  await page.goto(`${baseUrl}/connexion`);
  if (a11y) await checkA11y(page, 'connexion');
  await submitLogin(page, email, password);
  await expectPath(page, '/accueil');
  await page.getByRole('heading', { level: 1, name: /^Bonjour / }).waitFor({ state: 'visible' });
  if (a11y) await checkA11y(page, 'mon accueil');
}

export async function logout(page, baseUrl) {
  await nav(page).getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  await page.waitForLoadState('load');
  await expectAnonymousNav(page, baseUrl);
}

/** The `<base>/reinitialiser/<token>` link in an e-mail. */
export function resetLink(links, baseUrl) {
  const link = links.find((l) => l.startsWith(`${baseUrl}/reinitialiser/`));
  assert.ok(link, `no ${baseUrl}/reinitialiser/<token> link in the e-mail; links: ${JSON.stringify(links)}`);
  assert.match(new URL(link).pathname, /^\/reinitialiser\/[^/]{16,}$/, 'token looks long enough');
  return link;
}

/** On a /reinitialiser/<token> page: choose a password and submit. */
export async function submitNewPassword(page, password, confirmation = password) {
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(confirmation);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe', exact: true }).click();
  await page.waitForLoadState('load');
}

/**
 * What a person came for is on the first screen: the element's top is
 * inside the viewport without scrolling, and it has the focus when
 * `focused` (an error summary after a refused form).
 */
export async function expectOnFirstScreen(page, selector, { focused = false } = {}) {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is not displayed on ${page.url()}`);
  const { height, scrolled } = await page.evaluate(() => ({ height: window.innerHeight, scrolled: window.scrollY }));
  assert.ok(
    box.y + scrolled < height,
    `${selector} starts ${Math.round(box.y + scrolled)} px down a ${height} px screen on ${page.url()}`,
  );
  if (focused) {
    const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
    const wanted = await page.locator(selector).first().getAttribute('id');
    assert.equal(id, wanted, `the focus is on #${id}, not on ${selector}`);
  }
}

/** The page does not scroll sideways at the current viewport width (a phone at 360 px). */
export async function expectNoSideScroll(page, label) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${label} is ${scroll} px wide at ${inner} px: it scrolls sideways`);
}

/** A JSON call with the browser's session and its CSRF token (as a script
 * would make it); fails the journey on any error status. */
export async function api(page, baseUrl, method, path, data) {
  const session = await page.request.get(`${baseUrl}/api/v1/session`);
  const token = (await session.json()).csrf_token;
  const r = await page.request.fetch(`${baseUrl}${path}`, {
    method,
    data,
    headers: { 'x-csrf-token': token, 'content-type': 'application/json' },
  });
  assert.ok(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
  return r.status() === 204 ? null : r.json();
}
