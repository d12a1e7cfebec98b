// SPDX-License-Identifier: AGPL-3.0-or-later
// A training's whole cycle (issue 14, point 12): the demo trainer schedules
// a session of one seat that the CAF fills; the demo promeneur, on a phone,
// joins the waiting list; the CAF cancels the other registration and the
// promeneur sees its seat; the trainer calls the roll on a phone; the
// promeneur downloads its certificate and the public verification page
// confirms it. axe runs at 360 px and at 1280 px.
import assert from 'node:assert/strict';
import { checkA11y, visit } from '../lib/browser.mjs';
import { api, DEMO_PASSWORD, expectH1, expectNoSideScroll, expectText, login, logout } from '../lib/steps.mjs';
import { useServerSuite } from '../lib/suite.mjs';

const s = useServerSuite();
const TITLE = 'Harcèlement en ligne : repérer et orienter';
const TRAINER = 'formation@demo.promeneurs.fr';
const PROMENEUR = 'promeneur@demo.promeneurs.fr';
let sessionPath;
let otherName;

async function phone(page, body) {
  await page.setViewportSize({ width: 360, height: 780 });
  try {
    await body();
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

s.journey('la formatrice programme une session d’une place, que la Caf remplit', async ({ page, baseUrl }) => {
  await login(page, baseUrl, TRAINER, DEMO_PASSWORD);
  const training = await api(page, baseUrl, 'POST', '/api/v1/trainings', {
    title: TITLE, kind: 'continuing', departments: ['03'], duration_minutes: 60,
  });
  // A half-day under way (the roll call opens on its day), registrations
  // open for 40 more minutes.
  const at = (minutes) => new Date(Date.now() + minutes * 60 * 1000).toISOString();
  const session = await api(page, baseUrl, 'POST', `/api/v1/trainings/${training.id}/sessions`, {
    starts_at: at(-10), ends_at: at(50), registration_closes_at: at(40),
    place: 'Centre social de Cusset', departments: ['03'], capacity: 1,
  });
  sessionPath = `/formations/sessions/${session.id}`;
  await logout(page, baseUrl);

  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  const list = await api(page, baseUrl, 'GET', '/api/v1/promeneurs?department=03&limit=5');
  // Anyone but the demo promeneur (Léa Martin).
  const other = list.items.find((x) => x.email !== 'lea.martin@structure.example.org');
  otherName = `${other.first_name} ${other.last_name}`;
  const reg = await api(page, baseUrl, 'POST', `/api/v1/sessions/${session.id}/registrations`, { promeneur_id: other.id });
  assert.equal(reg.status, 'registered');
  await logout(page, baseUrl);
});

s.journey('le promeneur, sur son téléphone, s’inscrit sur la liste d’attente', async ({ page, baseUrl }) => {
  assert.ok(sessionPath, 'the previous journey scheduled a session');
  await phone(page, async () => {
    await login(page, baseUrl, PROMENEUR, DEMO_PASSWORD);
    await visit(page, `${baseUrl}${sessionPath}`, { label: 'session complète (360 px)' });
    await expectH1(page, TITLE);
    await expectText(page, 'Complet');
    await checkA11y(page, 'session complète (360 px)');
    await page.getByRole('button', { name: "M'inscrire sur la liste d'attente", exact: true }).click();
    await page.waitForLoadState('load');
    await expectText(page, "Tu es sur la liste d'attente, en position 1.");
    await expectNoSideScroll(page, 'session (liste d’attente)');
    await checkA11y(page, 'session en liste d’attente (360 px)');
    await logout(page, baseUrl);
  });
});

s.journey('la Caf annule l’autre inscription ; le promeneur a la place', async ({ page, baseUrl }) => {
  await login(page, baseUrl, 'agent03@demo.promeneurs.fr', DEMO_PASSWORD);
  await visit(page, `${baseUrl}${sessionPath}`, { label: 'session (Caf)' });
  await expectText(page, 'Animation de la session');
  await checkA11y(page, 'session vue par la Caf (1280 px)');
  await page.getByRole('button', { name: `Annuler l'inscription de ${otherName}`, exact: true }).click();
  await page.waitForLoadState('load');
  await expectText(page, "L'inscription est annulée");
  await logout(page, baseUrl);

  await phone(page, async () => {
    await login(page, baseUrl, PROMENEUR, DEMO_PASSWORD);
    await visit(page, `${baseUrl}${sessionPath}`, { label: 'session (promu, 360 px)' });
    await expectText(page, 'Inscrit.');
    await checkA11y(page, 'session, place obtenue (360 px)');
    await logout(page, baseUrl);
  });
});

s.journey('la formatrice fait l’appel sur son téléphone', async ({ page, baseUrl }) => {
  await phone(page, async () => {
    await login(page, baseUrl, TRAINER, DEMO_PASSWORD);
    await visit(page, `${baseUrl}${sessionPath}/appel`, { label: 'appel (360 px)' });
    await expectH1(page, 'Appel');
    await checkA11y(page, 'appel (360 px)');
    await expectNoSideScroll(page, 'appel');
    const row = page.locator('fieldset.roll-row').first();
    await row.getByLabel('Présent', { exact: true }).check();
    await page.getByRole('button', { name: "Enregistrer l'appel" }).click();
    await page.waitForLoadState('load');
    await expectText(page, "L'appel est enregistré.");
    assert.ok(await row.getByLabel('Présent', { exact: true }).isChecked(), 'the mark is shown again');
    await checkA11y(page, 'appel enregistré (360 px)');
    // The participants' opinions: none yet, and below three answers nothing
    // but their number is shown.
    await visit(page, `${baseUrl}${sessionPath}/avis`, { label: 'avis (360 px)' });
    await expectText(page, 'à partir de 3 réponses');
    await checkA11y(page, 'avis des participants (360 px)');
    await logout(page, baseUrl);
  });
});

s.journey('le promeneur télécharge son attestation ; la page de vérification la confirme', async ({ page, baseUrl }) => {
  let code;
  await phone(page, async () => {
    await login(page, baseUrl, PROMENEUR, DEMO_PASSWORD);
    await visit(page, `${baseUrl}/formations/parcours`, { label: 'parcours (360 px)' });
    await expectH1(page, 'Mon parcours de formation');
    await checkA11y(page, 'parcours (360 px)');
    const link = page.getByRole('link', { name: "Télécharger l'attestation (PDF)" }).first();
    const href = await link.getAttribute('href');
    const pdf = await page.request.get(`${baseUrl}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.ok((await pdf.body()).subarray(0, 4).toString() === '%PDF');
    const verify = page.locator('a[href^="/verifier/"]').first();
    code = (await verify.textContent()).trim();
    await logout(page, baseUrl);
    // Anyone, without logging in.
    await visit(page, `${baseUrl}/verifier/${code}`, { label: 'vérification (360 px)' });
    await expectText(page, TITLE);
    await checkA11y(page, 'vérification de l’attestation (360 px)');
  });
  await visit(page, `${baseUrl}/verifier/${code}`, { label: 'vérification (1280 px)' });
  await expectText(page, TITLE);
  await checkA11y(page, 'vérification de l’attestation (1280 px)');
});
