// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 4: public pages — communes search (Etalab/INSEE data), the 404 page, and the
// public-service pages of the footer (legal notice, accessibility, personal data, contact),
// the wordmark and the favicon.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { expectH1, expectPath, nav } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite({ viewport: { width: 360, height: 780 } });

const mainText = (page) => page.locator('main').innerText();

s.journey('recherche de communes par nom (vichy → Vichy, 03200)', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/communes`, { label: 'communes' });
  await page.getByLabel('Commune ou code postal', { exact: true }).fill('vichy');
  await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expectPath(page, '/communes');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'vichy');
  const text = await mainText(page);
  assert.match(text, /\bVichy\b/);
  assert.match(text, /\b03200\b/);
  await checkA11y(page, 'communes ?q=vichy');
});

s.journey('recherche de communes par code postal (63000 → Clermont-Ferrand)', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/communes?q=63000`, { label: 'communes ?q=63000' });
  assert.match(await mainText(page), /Clermont-Ferrand/);
  assert.equal(await page.getByLabel('Commune ou code postal', { exact: true }).inputValue(), '63000');
});

s.journey('page introuvable (404)', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/nope`, { status: 404, label: '404' });
  await expectH1(page, 'Page introuvable');
  await page.setViewportSize({ width: 1280, height: 800 });
  await checkA11y(page, '404 (1280 px)');
});

const INFO_PAGES = [
  ['Mentions légales', '/mentions-legales', 'Mentions légales', ['Éditeur', 'Directeur ou directrice de la publication', 'Hébergeur', 'Logiciel libre', 'Sources des données de référence']],
  ['Accessibilité : non conforme', '/accessibilite', "Déclaration d'accessibilité", ['État de conformité', 'Résultats des tests', 'Contenus non accessibles', 'Établissement de cette déclaration', "Retour d'information et contact", 'Voies de recours']],
  ['Données personnelles', '/donnees-personnelles', 'Données personnelles', ['Aucune donnée sur les jeunes', 'Ce qui est gardé', 'Pourquoi', 'Combien de temps', 'Qui les reçoit', 'Cookies', 'Vos droits']],
  ['Contact', '/contact', 'Contact', ["Caf de l'Allier — Allier (03)", 'Caf du Puy-de-Dôme — Puy-de-Dôme (63)']],
];

const footer = (page) => page.getByRole('navigation', { name: 'Informations sur le site', exact: true });

for (const [link, path, h1, headings] of INFO_PAGES) {
  s.journey(`pied de page → ${path} (360 et 1280 px, clair et sombre)`, async ({ page, baseUrl }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${baseUrl}/annuaire`);
    await footer(page).getByRole('link', { name: link, exact: true }).click();
    await expectPath(page, path);
    await expectH1(page, h1);
    for (const name of headings) {
      await page.locator('main').getByRole('heading', { name, exact: true }).waitFor();
    }
    await checkA11y(page, `${path} (360 px)`);
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(w[0] <= w[1], `${path} is ${w[0]}px wide at 360 px`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await checkA11y(page, `${path} (1280 px)`);
  });
}

s.journey('les coordonnées des Caf viennent de leurs réglages', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/contact`, { label: 'contact' });
  const text = await mainText(page);
  assert.match(text, /contact-caf03@demo\.promeneurs\.fr/);
  assert.match(text, /Alexandra Meritet/);
  assert.match(text, /04 73 14 67 62/);
  await visit(page, `${baseUrl}/donnees-personnelles`, { label: 'données personnelles' });
  assert.match(await mainText(page), /promeneurs_session/);
});

s.journey("l'en-tête porte le nom des Caf, lisible à 360 px", async ({ page, baseUrl }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${baseUrl}/`);
  const brand = nav(page).getByRole('link', { name: /^Promeneurs du Net/ });
  assert.match(await brand.innerText(), /Caf de l'Allier et du Puy-de-Dôme/);
  const box = await brand.boundingBox();
  assert.ok(box.x + box.width <= 360, `the wordmark fits in 360 px (${box.x} + ${box.width})`);
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.match((await brand.innerText()).replace(/\s+/g, ' '), /Promeneurs du Net · Caf de l'Allier et du Puy-de-Dôme/);
});

s.journey('icône du site : SVG, et /favicon.ico y mène', async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/`);
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  assert.match(href, /^\/static\/[0-9a-f]+\/favicon\.svg$/);
  const svg = await page.context().request.get(`${baseUrl}${href}`);
  assert.equal(svg.status(), 200);
  assert.equal(svg.headers()['content-type'], 'image/svg+xml');
  const ico = await page.context().request.get(`${baseUrl}/favicon.ico`);
  assert.equal(ico.status(), 200, '/favicon.ico is redirected to the SVG');
  assert.equal(ico.headers()['content-type'], 'image/svg+xml');
});

s.journey('360 px : pas de défilement horizontal de la page', async ({ page, baseUrl }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  for (const url of ['/', '/connexion', '/communes?q=vichy']) {
    await page.goto(`${baseUrl}${url}`);
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(w[0] <= w[1], `${url} is ${w[0]}px wide at 360 px`);
  }
});

s.assertSameOrigin();
