// SPDX-License-Identifier: AGPL-3.0-or-later
// The CSS theme (crates/web/assets) on a sample page, without the Rust server:
// axe in light and dark at 360 px and 1280 px, focus ring, skip link, no
// horizontal overflow, no request outside the origin.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, visit, watchOrigin } from '../lib/browser.mjs';
import { REPO_ROOT } from '../lib/server.mjs';

const ASSETS = path.join(REPO_ROOT, 'crates', 'web', 'assets');
const SAMPLE = path.join(REPO_ROOT, 'e2e', 'fixtures', 'sample.html');
const CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'";

let server;
let baseUrl;
let browser;
let origin;

before(async () => {
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP });
      res.end(body);
    };
    try {
      if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', await readFile(SAMPLE));
      const m = /^\/static\/[^/]+\/([a-z0-9.-]+\.css)$/.exec(url.pathname);
      if (m) return send(200, 'text/css; charset=utf-8', await readFile(path.join(ASSETS, m[1])));
      return send(404, 'text/plain; charset=utf-8', 'not found');
    } catch {
      return send(404, 'text/plain; charset=utf-8', 'not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser({ viewport: { width: 360, height: 780 } });
  origin = watchOrigin(browser.context, baseUrl);
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

test('theme.css: system fonts only, no remote import', async () => {
  const theme = await readFile(path.join(ASSETS, 'theme.css'), 'utf8');
  const layout = await readFile(path.join(ASSETS, 'layout.css'), 'utf8');
  assert.doesNotMatch(layout, /@import|@font-face|url\(/i, 'layout.css: colours and text only');
  assert.doesNotMatch(theme, /@import|@font-face|url\(\s*["']?(?!data:)/i);
  assert.doesNotMatch(theme, /font-family[^;]*marianne|--dsfr|\.fr-[a-z]/i, 'our own identity, not the State design system');
  const pico = await readFile(path.join(ASSETS, 'pico.classless.min.css'), 'utf8');
  assert.match(pico, /Pico CSS .* v2\.1\.1[\s\S]*Licensed under MIT/);
  assert.doesNotMatch(pico, /@import|@font-face/i);
  for (const m of pico.matchAll(/url\(\s*["']?([^"')]*)/g)) assert.match(m[1], /^data:/);
  assert.ok(Buffer.byteLength(theme) < 32 * 1024, 'theme.css stays small (under 32 KB)');
});

for (const width of [360, 1280]) {
  test(`axe (light + dark) at ${width} px`, async () => {
    const { page } = browser;
    await page.setViewportSize({ width, height: 800 });
    await visit(page, `${baseUrl}/`, { label: `sample ${width}px` });
  });
}

test('stylesheets apply in light and dark', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${baseUrl}/`);
  const colors = () =>
    page.evaluate(() => {
      const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
      return {
        body: css('body', 'backgroundColor'),
        button: css('main form button', 'backgroundColor'),
        link: css('main a[href="/mot-de-passe-oublie"]', 'color'),
        headerBorder: css('body > header', 'borderTopColor'),
      };
    });
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(await colors(), {
    body: 'rgb(255, 255, 255)',
    button: 'rgb(10, 107, 96)',
    link: 'rgb(10, 107, 96)',
    headerBorder: 'rgb(10, 107, 96)',
  });
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await colors(), {
    body: 'rgb(15, 23, 22)',
    button: 'rgb(92, 214, 196)',
    link: 'rgb(92, 214, 196)',
    headerBorder: 'rgb(92, 214, 196)',
  });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('360 px: no horizontal page scroll, the table scrolls in its wrapper', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${baseUrl}/`);
  const m = await page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap');
    return {
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      wrapScroll: wrap.scrollWidth,
      wrapClient: wrap.clientWidth,
    };
  });
  assert.ok(m.page <= m.viewport, `page is ${m.page}px wide in a ${m.viewport}px viewport`);
  assert.ok(m.wrapScroll > m.wrapClient, 'the table should overflow inside .table-wrap at 360 px');
});

test('skip link appears on Tab; focus ring is thick and visible', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${baseUrl}/`);
  const hiddenBox = await page.locator('.skip-link').boundingBox();
  assert.ok(!hiddenBox || hiddenBox.y + hiddenBox.height <= 0, 'skip link is off-screen until focused');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return { text: el.textContent, cls: el.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom };
  });
  assert.equal(focused.cls, 'skip-link');
  assert.equal(focused.text, 'Aller au contenu');
  assert.ok(focused.top >= 0 && focused.bottom <= 780, 'focused skip link is on screen');
  assert.equal(focused.outline, 'solid');
  assert.ok(focused.width >= 3, `outline ${focused.width}px`);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(tmpdir(), `promeneurs-theme-360-skiplink-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  // Following the skip link moves focus to <main>.
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'contenu');
  // Next Tab stops are in main, and buttons get the ring too.
  await page.locator('main form button[type=submit]').first().focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const ring = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { tag: document.activeElement.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.deepEqual(ring, { tag: 'BUTTON', outline: 'solid', width: 3 });
});

test('screenshots at 360 px, light and dark', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`${baseUrl}/`);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(tmpdir(), `promeneurs-theme-360-${scheme}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(tmpdir(), 'promeneurs-theme-1280-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: path.join(tmpdir(), 'promeneurs-theme-1280-light.png'), fullPage: true });
});

test('no request leaves the origin (no web font, no CDN)', () => {
  assert.ok(origin.requests.length >= 3);
  assert.deepEqual(origin.offOrigin(), []);
  assert.deepEqual(origin.cspViolations, []);
});
