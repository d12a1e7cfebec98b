// SPDX-License-Identifier: AGPL-3.0-or-later
// Headless Chromium (Debian's, no browser download) driven by playwright-core,
// plus axe-core accessibility checks in light and dark colour schemes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** WCAG 2.0/2.1 A and AA, plus WCAG 2.2 AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Launch Chromium with a fresh profile. Returns { context, page, close() }.
 * `viewport` defaults to 1280x800; `locale` to fr-FR.
 */
export async function launchBrowser({ viewport = { width: 1280, height: 800 } } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run e2e/install.sh (or set CHROMIUM_PATH)`);
  }
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'promeneurs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

let axeSource;
async function injectAxe(page) {
  const present = await page.evaluate(() => typeof window.axe === 'object').catch(() => false);
  if (present) return;
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol rather than a <script> tag, so a
  // strict Content-Security-Policy on the page does not block it.
  await page.evaluate(axeSource);
}

/** Let CSS transitions/animations (e.g. after a colour-scheme switch) settle. */
async function settle(page) {
  await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {})));
  });
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const target = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(', ');
          const why = (n.failureSummary || '').replace(/\s*\n\s*/g, ' ').trim();
          return `      - ${target}\n        ${n.html.slice(0, 200)}\n        ${why}`;
        })
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Run axe once in the page's current state; returns the violations array. */
export async function runAxe(page) {
  await injectAxe(page);
  await settle(page);
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return results.violations;
}

/**
 * Check the current page with axe in light then dark colour scheme; throw a
 * readable report listing every violation (id, impact, help, target nodes).
 */
export async function checkA11y(page, label = page.url()) {
  const report = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const violations = await runAxe(page);
    if (violations.length) {
      report.push(`${colorScheme} scheme: ${violations.length} violation(s)\n${formatViolations(violations)}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (report.length) {
    throw new Error(`Accessibility violations on "${label}" (${page.url()}):\n${report.join('\n')}`);
  }
}

/**
 * Navigate to `url`, check the HTTP status (default 200) and run checkA11y.
 * Returns the navigation response.
 */
export async function visit(page, url, { status = 200, label } = {}) {
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response) throw new Error(`No response for ${url}`);
  if (status !== null && response.status() !== status) {
    throw new Error(`GET ${url}: expected HTTP ${status}, got ${response.status()}`);
  }
  await checkA11y(page, label ?? new URL(url).pathname);
  return response;
}

/**
 * Record every request made by pages of `context` and every CSP violation
 * reported on the console. `offOrigin()` lists URLs that left `baseUrl`'s origin.
 */
export function watchOrigin(context, baseUrl) {
  const origin = new URL(baseUrl).origin;
  const requests = [];
  const cspViolations = [];
  const onRequest = (req) => requests.push(req.url());
  const onPage = (page) => {
    page.on('console', (msg) => {
      const text = msg.text();
      if (!/Content[- ]Security[- ]Policy/i.test(text)) return;
      const entry = `${new URL(page.url()).pathname}: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`;
      if (!cspViolations.includes(entry)) cspViolations.push(entry);
    });
  };
  context.on('request', onRequest);
  context.on('page', onPage);
  context.pages().forEach(onPage);
  return {
    requests,
    cspViolations,
    offOrigin() {
      return requests.filter(
        (u) => !(u === origin || u.startsWith(`${origin}/`) || u.startsWith('data:') || u.startsWith('about:')),
      );
    },
  };
}
