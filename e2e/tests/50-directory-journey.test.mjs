// SPDX-License-Identifier: AGPL-3.0-or-later
// Journey 5: a young person on a phone (360 px) looks for a Promeneur du Net
// near Vichy on Snapchat, opens a profile and checks its verification code,
// without any cookie being set.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { apos, expectH1, expectPath, expectText } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite({ viewport: { width: 360, height: 780 } });

const DIRECTORY_H1 = 'Trouve un Promeneur du Net près de chez toi';
const cards = (page) => page.locator('main article.promeneur-card');
/** A card's promeneur name: its heading without the visually hidden "Voir le profil de". */
const cardName = async (card) =>
  (await card.locator('h3').textContent()).replace(/^\s*Voir le profil de\s*/, '').trim();

/** Every result card on the current page lists a Snapchat account. */
async function expectEverySnapchat(page, label) {
  const count = await cards(page).count();
  for (let i = 0; i < count; i++) {
    const card = cards(page).nth(i);
    const name = await cardName(card);
    const accounts = await card.getByRole('list', { name: `Comptes de ${name}` }).innerText();
    assert.match(accounts, /Snapchat\s*:\s*\S+/, `${label}, card ${i + 1} (${name}) shows a Snapchat account`);
  }
}

/** Every account of the first card is a button (a link) at least 44 px tall, named "Network : handle". */
async function expectNetworkButtons(page, label) {
  const card = cards(page).first();
  const name = await cardName(card);
  const buttons = card.getByRole('list', { name: `Comptes de ${name}` }).locator('a.network-button');
  const count = await buttons.count();
  assert.ok(count > 0, `${label}: the first card has account buttons`);
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const box = await button.boundingBox();
    assert.ok(box && box.height >= 44, `${label}: account button ${i + 1} is ${box?.height}px tall`);
    assert.match(await button.innerText(), /\S+\s*:\s*\S+/, `${label}: a button shows the network and the handle`);
    const icon = button.locator('.network-icon');
    assert.equal(await icon.getAttribute('aria-hidden'), 'true', 'the icon is decorative');
    const mask = await icon.evaluate((el) => getComputedStyle(el).maskImage || getComputedStyle(el).webkitMaskImage);
    assert.match(mask, /\/static\/[0-9a-f]+\/net-[a-z]+\.svg/, `${label}: the icon comes from our assets`);
  }
}

/** The page does not scroll sideways at 360 px. */
async function expectNoHorizontalScroll(page, label) {
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  assert.ok(scroll <= client, `${label} is ${scroll}px wide at ${client} px`);
}

s.journey('annuaire : recherche « Vichy » depuis un téléphone', async ({ page, baseUrl }) => {
  await visit(page, `${baseUrl}/annuaire`, { label: 'annuaire' });
  await expectH1(page, DIRECTORY_H1);
  await expectNoHorizontalScroll(page, '/annuaire');

  const search = page.getByRole('search', { name: 'Rechercher un promeneur' });
  await search.getByLabel('Ta commune ou ton code postal', { exact: true }).fill('Vichy');
  await search.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await expectPath(page, '/annuaire');
  assert.equal(new URL(page.url()).searchParams.get('ou'), 'Vichy');
  await expectText(page, /promeneurs? à moins de 20 km de Vichy/);
  assert.ok((await cards(page).count()) > 0, 'some promeneurs near Vichy');
  assert.equal(await search.getByLabel('Ta commune ou ton code postal', { exact: true }).inputValue(), 'Vichy');
  // The search lands on its results: the count and the first card are on
  // the first screen of the phone.
  assert.equal(new URL(page.url()).hash, '#resultats');
  const screen = page.viewportSize().height;
  const heading = await page.locator('#resultats-titre').boundingBox();
  assert.ok(heading && heading.y + heading.height > 0 && heading.y < screen, `the count is on screen (y=${heading?.y})`);
  const firstCard = await cards(page).first().boundingBox();
  assert.ok(firstCard && firstCard.y < screen, `the first result starts on the first screen (y=${firstCard?.y})`);
  await expectNetworkButtons(page, 'annuaire ?ou=Vichy');
  // The distance can be widened in one tap; the current one is marked.
  const radius = page.getByRole('navigation', { name: 'Distance de la recherche', exact: true });
  assert.equal(await radius.getByRole('link', { name: '20 km', exact: true }).getAttribute('aria-current'), 'true');
  await checkA11y(page, 'annuaire ?ou=Vichy');
  await expectNoHorizontalScroll(page, '/annuaire?ou=Vichy');
});

s.journey('annuaire : la carte est à un geste de la liste', async ({ page, baseUrl }) => {
  const views = page.getByRole('navigation', { name: 'Affichage des résultats', exact: true });
  const mapLink = views.getByRole('link', { name: 'Carte', exact: true });
  const box = await mapLink.boundingBox();
  assert.ok(box && box.y < page.viewportSize().height, `the « Carte » link is on the first screen (y=${box?.y})`);
  await mapLink.click();
  await page.waitForURL((u) => u.searchParams.get('vue') === 'carte');
  assert.equal(await views.getByRole('link', { name: 'Carte', exact: true }).getAttribute('aria-current'), 'page');
  const map = page.getByRole('group', { name: 'Carte des promeneurs trouvés', exact: true });
  await map.waitFor();
  const groups = map.getByRole('link', { name: /^.+ : \d+ promeneurs?$/ });
  assert.ok((await groups.count()) > 0, 'the map has groups of promeneurs, each named with its count');
  const places = page.getByRole('list', { name: 'Les mêmes endroits en liste', exact: true }).getByRole('link');
  assert.equal(await places.count(), await groups.count(), 'the same places as text');
  const mapBox = await page.locator('main svg.results-map').boundingBox();
  assert.ok(mapBox && mapBox.y < page.viewportSize().height, `the map starts on the first screen (y=${mapBox?.y})`);
  await checkA11y(page, 'annuaire ?ou=Vichy&vue=carte (360 px)');
  await expectNoHorizontalScroll(page, '/annuaire?ou=Vichy&vue=carte');
  // Everywhere, on a wide screen too.
  await page.getByRole('navigation', { name: 'Distance de la recherche', exact: true }).getByRole('link', { name: 'Partout', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('rayon') === 'tous' && u.searchParams.get('vue') === 'carte');
  await page.setViewportSize({ width: 1280, height: 800 });
  await checkA11y(page, 'annuaire ?ou=Vichy&rayon=tous&vue=carte (1280 px)');
  // A group leads to the list near its commune.
  const first = groups.first();
  const label = await first.getAttribute('aria-label');
  await first.click();
  await page.waitForURL((u) => u.searchParams.get('commune') && !u.searchParams.get('vue'));
  assert.ok((await cards(page).count()) > 0, `${label}: the list near that place`);
  await checkA11y(page, `annuaire depuis le groupe « ${label} » (1280 px)`);
  await page.setViewportSize({ width: 360, height: 780 });
  await visit(page, `${baseUrl}/annuaire?ou=Vichy#resultats`, { label: 'annuaire ?ou=Vichy' });
});

s.journey('annuaire : filtre « Snapchat » dans « Plus de filtres »', async ({ page, baseUrl }) => {
  const search = page.getByRole('search', { name: 'Rechercher un promeneur' });
  const details = search.locator('details.filters');
  const network = search.getByLabel('Réseau', { exact: true });
  if (!(await details.evaluate((d) => d.open))) {
    assert.equal(await network.isVisible(), false, 'filters are folded away until asked for');
    await search.getByText('Plus de filtres', { exact: true }).click();
  }
  await network.waitFor({ state: 'visible' });
  await checkA11y(page, 'annuaire (filtres ouverts)');
  await network.selectOption({ label: 'Snapchat' });
  await search.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await page.waitForURL((u) => u.searchParams.get('network') === 'snapchat');
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get('ou'), 'Vichy', 'the commune is kept with the filter');
  assert.equal(await network.inputValue(), 'snapchat', 'the chosen network stays selected');
  assert.ok(await details.evaluate((d) => d.open), 'filters stay open when one is in use');
  await checkA11y(page, 'annuaire ?ou=Vichy&network=snapchat');
  await expectNoHorizontalScroll(page, '/annuaire?ou=Vichy&network=snapchat');

  assert.ok((await cards(page).count()) > 0, 'some promeneurs on Snapchat near Vichy');
  await expectEverySnapchat(page, 'page 1');
  // The nearest first: in Vichy, with its distance.
  const first = cards(page).first();
  const firstText = await first.innerText();
  assert.match(firstText, /Commune : Vichy\b/, `first result is in Vichy:\n${firstText}`);
  assert.match(
    await first.locator('p', { hasText: 'Commune :' }).locator('strong').innerText(),
    /^à (moins d['’]1|\d+) km$/,
    'the distance from Vichy is shown',
  );
  // Distances never decrease down the list.
  const km = await cards(page)
    .locator('p', { hasText: 'Commune :' })
    .locator('strong')
    .allInnerTexts();
  const values = km.map((t) => (/moins/.test(t) ? 0 : Number(/(\d+) km/.exec(t)?.[1])));
  assert.deepEqual([...values].sort((a, b) => a - b), values, `sorted by distance: ${km.join(', ')}`);
  // The map is one link away, not drawn under the list.
  assert.equal(await page.locator('main svg.results-map').count(), 0, 'no map under the list');
  assert.ok(
    (await page.getByRole('navigation', { name: 'Affichage des résultats', exact: true }).getByRole('link', { name: 'Carte', exact: true }).count()) > 0,
    'a « Carte » link',
  );

  // Every page of results keeps the filter.
  const pages = page.getByRole('navigation', { name: 'Pages de résultats', exact: true });
  for (let n = 2; (await pages.getByRole('link', { name: 'Page suivante', exact: true }).count()) > 0; n++) {
    await pages.getByRole('link', { name: 'Page suivante', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('page') === String(n));
    assert.equal(new URL(page.url()).searchParams.get('network'), 'snapchat');
    await checkA11y(page, `annuaire ?ou=Vichy&network=snapchat (page ${n})`);
    await expectEverySnapchat(page, `page ${n}`);
    const farther = await cards(page).locator('p', { hasText: 'Commune :' }).locator('strong').allInnerTexts();
    assert.ok(farther.every((t) => Number(/(\d+) km/.exec(t)?.[1] ?? 0) >= values.at(-1)), 'next page is farther');
  }
  if (await pages.count()) {
    await pages.getByRole('link', { name: 'Page 1', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('network') === 'snapchat' && !u.searchParams.get('page'));
    assert.equal(await pages.getByRole('link', { name: 'Page 1', exact: true }).getAttribute('aria-current'), 'page');
    await checkA11y(page, 'annuaire ?ou=Vichy&network=snapchat (retour page 1)');
  }
});

s.journey('profil public : comptes, pas d’adresse e-mail, puis vérification', async ({ page, baseUrl }) => {
  const first = cards(page).first();
  const name = await cardName(first);
  const link = first.getByRole('link', { name: `Voir le profil de ${name}`, exact: true });
  const href = await link.getAttribute('href');
  assert.match(href, /^\/promeneurs\/[0-9a-f-]{36}$/);
  await link.click();
  await expectPath(page, href);
  await expectH1(page, name);
  await checkA11y(page, `profil public de ${name}`);
  await expectNoHorizontalScroll(page, href);

  await page.getByRole('heading', { level: 2, name: 'Ses comptes', exact: true }).waitFor();
  const accounts = page.locator('main ul.network-links');
  assert.match(await accounts.innerText(), /Snapchat\s*:\s*\S+/, 'the profile lists the Snapchat account');
  for (const button of await accounts.locator('a.network-button').all()) {
    const box = await button.boundingBox();
    assert.ok(box && box.height >= 44, `a profile's account button is ${box?.height}px tall`);
  }
  const main = await page.locator('main').innerText();
  assert.doesNotMatch(main, /@structure\.example\.org/, 'no e-mail address on a public profile');
  assert.doesNotMatch(main, /[\w.+-]+@[\w-]+\.[a-z]{2,}/i, 'no e-mail address at all');
  assert.equal(await page.locator('main a[href^="mailto:"]').count(), 0, 'no mailto: link');
  assert.doesNotMatch(main, /04 7\d \d\d/, 'no phone number');

  const code = (await page.locator('main strong.code').first().innerText()).trim();
  assert.ok(code, 'the verification code is printed');
  const verify = page.getByRole('link', { name: `Vérifier le profil de ${name}`, exact: true });
  const verifyPath = await verify.getAttribute('href');
  assert.equal(verifyPath, `/verifier/${code}`);
  await verify.click();
  await expectPath(page, verifyPath);
  await expectH1(page, apos("Ce profil est bien celui d'un Promeneur du Net"));
  await expectText(page, `Le code ${code} est celui de ${name}`);
  assert.match(await page.locator('main ul.network-links').innerText(), /Snapchat\s*:\s*\S+/);
  await checkA11y(page, `vérification ${code}`);
  await expectNoHorizontalScroll(page, verifyPath);
  await page.getByRole('link', { name: `Voir le profil de ${name}`, exact: true }).waitFor();
});

s.journey('aucun cookie n’a été déposé', async ({ context, baseUrl }) => {
  assert.deepEqual(await context.cookies(), [], 'the public directory sets no cookie');
  assert.deepEqual(await context.cookies(baseUrl), []);
});

s.assertSameOrigin();
