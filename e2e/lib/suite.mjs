// SPDX-License-Identifier: AGPL-3.0-or-later
// Per-file fixture: one SMTP sink, one server, one browser. Use at the top of a
// test file:   const s = useServerSuite();   s.journey('…', async ({ page, baseUrl }) => { … });
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, watchOrigin } from './browser.mjs';
import { startServer } from './server.mjs';
import { startSmtpSink } from './smtp.mjs';

export function useServerSuite({ viewport } = {}) {
  const s = {};
  before(
    async () => {
      s.smtp = await startSmtpSink();
      s.server = await startServer({ smtpPort: s.smtp.port });
      s.baseUrl = s.server.baseUrl;
      s.browser = await launchBrowser({ viewport });
      s.context = s.browser.context;
      s.page = s.browser.page;
      s.origin = watchOrigin(s.context, s.baseUrl);
    },
    { timeout: 120_000 },
  );
  after(async () => {
    await s.browser?.close();
    // Keep the temp dir (server log, data) when something failed.
    const exit = await s.server?.stop({ keep: Boolean(s.failed || process.env.E2E_KEEP_TMP) });
    await s.smtp?.close();
    if (exit && exit.code !== 0 && exit.signal !== 'SIGTERM' && !s.failed) {
      console.error(`server exit status after SIGTERM: ${JSON.stringify(exit)}\n${s.server.logTail(30)}`);
    }
  });

  /** A test whose failure prints the server log tail and saves a screenshot. */
  s.journey = (name, fn, { timeout = 90_000 } = {}) =>
    test(name, { timeout }, async (t) => {
      if (!s.page) throw new Error('suite setup failed (server or browser did not start)');
      try {
        await fn(s, t);
      } catch (err) {
        s.failed = true;
        const shot = path.join(tmpdir(), `promeneurs-e2e-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
        await s.page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.error(`\n--- ${name}: failed at ${s.page.url()}\n--- screenshot: ${shot}`);
        console.error(`--- server log tail (${s.server.logFile}):\n${s.server.logTail(60)}\n---`);
        throw err;
      }
    });

  /** Final check of the file: nothing left the server's origin, no CSP violation. */
  s.assertSameOrigin = () =>
    test('aucune requête ne quitte l’origine du serveur', () => {
      assert.ok(s.origin, 'suite setup failed');
      assert.ok(s.origin.requests.length > 0, 'no request was recorded');
      assert.deepEqual(s.origin.offOrigin(), [], 'requests left the server origin');
      assert.deepEqual(s.origin.cspViolations, [], 'Content-Security-Policy violations');
    });

  return s;
}

/** Path of a URL string, for readable assertions. */
export const pathOf = (url) => new URL(url).pathname;
