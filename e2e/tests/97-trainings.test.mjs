// SPDX-License-Identifier: AGPL-3.0-or-later
// Trainings, the promeneur's journey so far: a CAF agent schedules a
// session (over the API, as a script would); the demo promeneur finds it on
// a phone, registers, then cancels. The pages are checked by axe.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { api, DEMO_PASSWORD, expectH1, expectNoSideScroll, expectOnFirstScreen, expectText, login, logout } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const TITLE = 'Formation initiale des Promeneurs du Net';
let sessionPath;

s.journey('un agent de la Caf 03 programme une session de formation initiale', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  const training = await api(page, baseUrl, 'POST', '/api/v1/trainings', {
    title: TITLE,
    kind: 'initial',
    departments: ['03'],
    duration_minutes: 360,
  });
  const next = new Date(Date.now() + 40 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const closes = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const session = await api(page, baseUrl, 'POST', `/api/v1/trainings/${training.id}/sessions`, {
    parts: [
      { starts_at: `${next}T09:00:00+01:00`, ends_at: `${next}T12:00:00+01:00` },
      { starts_at: `${next}T13:30:00+01:00`, ends_at: `${next}T16:30:00+01:00` },
    ],
    place: 'Centre social de Cusset',
    capacity: 12,
    registration_closes_at: `${closes}T23:59:00+01:00`,
  });
  sessionPath = `/formations/sessions/${session.id}`;
  await logout(page, baseUrl);
});

s.journey('le promeneur la trouve sur son téléphone, s’inscrit puis annule', async ({ page, baseUrl }) => {
  assert.ok(sessionPath, 'the previous journey scheduled a session');
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await login(page, baseUrl, 'promeneur@demo.promeneurs.fr', DEMO_PASSWORD);
    await visit(page, `${baseUrl}/formations`, { label: 'formations (360 px)' });
    await expectH1(page, 'Formations');
    // The soonest session (the demo's come first) is on the first screen.
    await expectOnFirstScreen(page, '.session-list > li:first-child a');
    await expectNoSideScroll(page, '/formations');
    await checkA11y(page, 'formations (360 px)');
    await page.getByRole('link', { name: TITLE }).first().click();
    await expectH1(page, TITLE);
    await checkA11y(page, 'session (360 px)');
    await page.getByRole('button', { name: 'M’inscrire', exact: true }).or(page.getByRole('button', { name: "M'inscrire", exact: true })).click();
    await page.waitForLoadState('load');
    await expectText(page, 'Ton inscription est enregistrée');
    await expectText(page, 'Inscrit.');
    await expectNoSideScroll(page, 'session');
    await checkA11y(page, 'session (inscrit, 360 px)');
    await page.getByRole('button', { name: 'Annuler mon inscription', exact: true }).click();
    await page.waitForLoadState('load');
    await expectText(page, 'Ton inscription est annulée');
    await checkA11y(page, 'session (annulée, 360 px)');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});
