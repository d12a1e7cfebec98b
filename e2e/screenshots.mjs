// SPDX-License-Identifier: AGPL-3.0-or-later
// The screenshots of the user guides (docs/guide/captures/): the directory
// after a search from Vichy, each role's home, the trainings' pages, at 360 px and 1280 px
// wide, first screen only, on the demo data. Run after `cargo build`:
//   cd e2e && node screenshots.mjs
// (the pictures are committed; rerun when the pages change).
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { REPO_ROOT, startServer } from './lib/server.mjs';
import { DEMO_PASSWORD, submitLogin } from './lib/steps.mjs';

const OUT = path.join(REPO_ROOT, 'docs', 'guide', 'captures');
const WIDTHS = [
  [360, 780],
  [1280, 800],
];
const HOMES = [
  ['agent-caf', 'agent03@demo.promeneurs.fr'],
  ['coordination', 'coordination@demo.promeneurs.fr'],
  ['comite', 'comite@demo.promeneurs.fr'],
  ['referent', 'structure@demo.promeneurs.fr'],
  ['promeneur', 'promeneur@demo.promeneurs.fr'],
  ['formation', 'formation@demo.promeneurs.fr'],
  ['admin', 'admin@demo.promeneurs.fr'],
];

const server = await startServer();
try {
  for (const [width, height] of WIDTHS) {
    const { context, page, close } = await launchBrowser({ viewport: { width, height } });
    await page.goto(`${server.baseUrl}/annuaire?ou=Vichy#resultats`);
    await page.screenshot({ path: path.join(OUT, `annuaire-vichy-${width}.png`) });
    await page.goto(`${server.baseUrl}/annuaire?ou=Vichy&vue=carte#resultats`);
    await page.screenshot({ path: path.join(OUT, `annuaire-carte-${width}.png`) });
    for (const [name, email] of HOMES) {
      await page.goto(`${server.baseUrl}/connexion`);
      await submitLogin(page, email, DEMO_PASSWORD);
      await page.waitForURL((u) => u.pathname === '/accueil');
      await page.screenshot({ path: path.join(OUT, `accueil-${name}-${width}.png`) });
      await context.clearCookies();
    }
    // Trainings: the trainer's list, a past demo session's roll call, the
    // promeneur's passport.
    await page.goto(`${server.baseUrl}/connexion`);
    await submitLogin(page, 'formation@demo.promeneurs.fr', DEMO_PASSWORD);
    await page.goto(`${server.baseUrl}/formations?passees=oui`);
    await page.screenshot({ path: path.join(OUT, `formations-liste-${width}.png`) });
    const first = await page.locator('.session-list > li:first-child a').getAttribute('href');
    await page.goto(`${server.baseUrl}${first}`);
    await page.locator('#animation').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, `formations-session-${width}.png`) });
    await page.goto(`${server.baseUrl}${first}/appel`);
    await page.screenshot({ path: path.join(OUT, `formations-appel-${width}.png`) });
    await context.clearCookies();
    await page.goto(`${server.baseUrl}/connexion`);
    await submitLogin(page, 'promeneur@demo.promeneurs.fr', DEMO_PASSWORD);
    await page.goto(`${server.baseUrl}/formations/parcours`);
    await page.screenshot({ path: path.join(OUT, `formations-parcours-${width}.png`) });
    await context.clearCookies();
    await close();
  }
  console.log(`screenshots written to ${OUT}`);
} finally {
  await server.stop();
}
