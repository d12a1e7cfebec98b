// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 4: public pages — communes search (Etalab/INSEE data) and the 404 page.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { expectH1, expectPath } from '../lib/steps.mjs';
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

s.journey('360 px : pas de défilement horizontal de la page', async ({ page, baseUrl }) => {
  await page.setViewportSize({ width: 360, height: 780 });
  for (const url of ['/', '/connexion', '/communes?q=vichy']) {
    await page.goto(`${baseUrl}${url}`);
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(w[0] <= w[1], `${url} is ${w[0]}px wide at 360 px`);
  }
});

s.assertSameOrigin();
