// SPDX-License-Identifier: AGPL-3.0-or-later
// Start the real `promeneurs serve --demo` binary for a test file.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function binaryPath() {
  if (process.env.PROMENEURS_BIN) return path.resolve(process.env.PROMENEURS_BIN);
  const target = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, 'target');
  return path.join(target, 'debug', 'promeneurs');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 60) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Start the server with demo data. Resolves once GET /readyz answers 200.
 * Returns { baseUrl, port, dataDir, logFile, logTail(n), stop() }.
 */
export async function startServer({ smtpPort, readyTimeoutMs = 60_000, extraArgs = [] } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`Server binary not found at ${bin}: run \`cargo build\` first (or set PROMENEURS_BIN)`);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = await mkdtemp(path.join(tmpdir(), 'promeneurs-e2e-'));
  const dataDir = path.join(tmp, 'data');
  const logFile = path.join(tmp, 'server.log');
  const args = ['serve', '--demo', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir, '--base-url', baseUrl];
  if (smtpPort) args.push('--smtp-url', `smtp://127.0.0.1:${smtpPort}`);
  args.push(...extraArgs);

  const env = { ...process.env };
  env.RUST_LOG ??= 'info';
  env.RUST_BACKTRACE ??= '1';
  // DATABASE_URL passes through when set; otherwise the server uses SQLite in --data-dir.

  const logFd = openSync(logFile, 'a');
  const child = spawn(bin, args, { env, stdio: ['ignore', logFd, logFd], cwd: tmp });
  closeSync(logFd);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  child.once('error', (err) => {
    exited = { code: null, signal: null, error: err };
  });

  const handle = {
    baseUrl,
    port,
    dataDir,
    logFile,
    logTail: (n = 60) => tail(logFile, n),
    async stop({ keep = Boolean(process.env.E2E_KEEP_TMP) } = {}) {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => !exited && child.kill('SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(timer);
      }
      if (!keep) await rm(tmp, { recursive: true, force: true }).catch(() => {});
      return exited;
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(
        `Server exited before being ready (${JSON.stringify(exited)}):\n$ ${bin} ${args.join(' ')}\n${tail(logFile)}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return handle;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await handle.stop({ keep: true });
      throw new Error(`Server not ready after ${readyTimeoutMs} ms (log: ${logFile}):\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
