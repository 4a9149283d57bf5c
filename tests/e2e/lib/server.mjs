// Shared set-up for the browser tests: a real rodeknop server on an ephemeral port with a
// fresh database, and Debian's Chromium driven by playwright-core.
//
//   RODEKNOP_BIN=build/dev/rodeknop node --test tests/e2e/
//
// Environment:
//   RODEKNOP_BIN         the server binary (required)
//   RODEKNOP_STATIC_DIR  the static/ directory to serve (default: static/ of this repository)
//   CHROMIUM_PATH        the browser (default /usr/bin/chromium)

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LINES_KEPT = 200;

/**
 * Starts `rodeknop serve` on 127.0.0.1:0 with a database in a new temporary directory and
 * resolves once it printed `listening on http://HOST:PORT`.
 * Returns { url, dbPath, logs(), stop() }; stop() sends SIGTERM and resolves to the exit code.
 */
export async function startServer() {
  const bin = process.env.RODEKNOP_BIN;
  if (!bin) {
    throw new Error(
      'RODEKNOP_BIN is not set. Build the server (cmake --build build/dev) and run\n' +
        '  RODEKNOP_BIN=build/dev/rodeknop node --test tests/e2e/',
    );
  }
  if (!existsSync(bin)) throw new Error(`RODEKNOP_BIN=${bin} does not exist`);
  const staticDir = process.env.RODEKNOP_STATIC_DIR || join(repoRoot, 'static');
  if (!existsSync(join(staticDir, 'vendor', 'utrecht', 'index.css'))) {
    throw new Error(`${staticDir}/vendor/ is missing: run "node scripts/vendor.mjs" first`);
  }

  const dir = await mkdtemp(join(tmpdir(), 'rodeknop-e2e-'));
  const dbPath = join(dir, 'rk.db');
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', dbPath, '--static', staticDir];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Should the test process die without running its after() hooks, take the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const lines = [];
  const keep = (stream, line) => {
    lines.push(`${stream}: ${line}`);
    if (lines.length > LOG_LINES_KEPT) lines.shift();
  };
  const logs = () => lines.join('\n');
  const exited = new Promise((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit(code ?? signal));
  });
  createInterface({ input: child.stderr }).on('line', (line) => keep('stderr', line));
  const stdout = createInterface({ input: child.stdout });

  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rodeknop did not print "listening on" within ${READY_TIMEOUT_MS} ms\n${logs()}`));
    }, READY_TIMEOUT_MS);
    // Every line is read, also after start-up, so that the server never blocks on a full pipe.
    stdout.on('line', (line) => {
      keep('stdout', line);
      const match = /^listening on (http:\/\/\S+)$/.exec(line.trim());
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1].replace(/\/$/, ''));
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin}: ${err.message}`));
    });
    exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`rodeknop exited (${status}) before it was ready\n${logs()}`));
    });
  });

  let stopped = null;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const status = await exited;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
      return status;
    })();
    return stopped;
  };
  return { url, dbPath, logs, stop };
}

/** Debian's Chromium, headless, without anything that phones home; `extraArgs` added. */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * Registers before/after hooks that start a server and a browser for the tests of one file.
 * Returns an object whose `server` and `browser` are set once the hooks ran. When stopping,
 * the server must exit with status 0 (SIGTERM is a graceful stop).
 */
export function useServerAndBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    if (env.server) {
      const status = await env.server.stop();
      if (status !== 0) throw new Error(`rodeknop stopped with status ${status}\n${env.server.logs()}`);
    }
  });
  return env;
}

/** GET /api/v1/meta: the active departments and categories ({key, label}). */
export async function fetchMeta(baseUrl) {
  const res = await fetch(`${baseUrl}/api/v1/meta`);
  if (res.status !== 200) throw new Error(`GET /api/v1/meta answered ${res.status}`);
  return res.json();
}

/** POST /api/v1/reports as JSON; resolves to the 201 body. */
export async function createReport(baseUrl, fields) {
  const res = await fetch(`${baseUrl}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`POST /api/v1/reports answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** GET /api/v1/track/{token}: what the reporter sees, as JSON. */
export async function fetchTracking(baseUrl, token) {
  const res = await fetch(`${baseUrl}/api/v1/track/${encodeURIComponent(token)}`);
  if (res.status !== 200) throw new Error(`GET /api/v1/track/… answered ${res.status}`);
  return res.json();
}

/**
 * Collects what should never happen on our pages: console errors (a Content-Security-Policy
 * violation shows up there), uncaught exceptions, dialogs (alert() from injected script) and
 * failed requests for our own assets.
 */
export function watchPage(page) {
  const problems = [];
  page.on('console', (msg) => {
    // A page answered with 404 or 422 is logged as "Failed to load resource"; tests check the
    // status of pages themselves, and failed assets are caught below.
    if (/^Failed to load resource: the server responded with a status of/.test(msg.text())) return;
    if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) {
      problems.push(`console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog ${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('response', (res) => {
    const path = new URL(res.url()).pathname;
    if (res.status() >= 400 && /\.(css|js|svg|png|ico)$/.test(path)) problems.push(`${res.status()} for ${path}`);
  });
  return problems;
}

/** The id (or a short description) of the element that has the focus. */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(body)';
    if (el.id) return `#${el.id}`;
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${el.tagName.toLowerCase()}${text ? `"${text}"` : ''}`;
  });
}

/** Presses Tab until the element matching `selector` has the focus; returns the path taken. */
export async function tabTo(page, selector, maxPresses = 25) {
  const path = [];
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    path.push(await focused(page));
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return path;
  }
  throw new Error(`Tab did not reach ${selector} in ${maxPresses} presses; focus went: ${path.join(' → ')}`);
}

/** The current year in Europe/Amsterdam, the year in a new reference. */
export function amsterdamYear(date = new Date()) {
  return new Intl.DateTimeFormat('en', { timeZone: 'Europe/Amsterdam', year: 'numeric' }).format(date);
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** `rodeknop user add` on the test server's database (the password on stdin). */
export async function addUser(dbPath, username, role, password = TEST_PASSWORD) {
  const bin = process.env.RODEKNOP_BIN;
  const child = spawn(bin, ['user', 'add', '--db', dbPath, '--username', username, '--role', role], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(`${password}\n`);
  const status = await new Promise((resolveExit) => child.on('exit', resolveExit));
  if (status !== 0) throw new Error(`rodeknop user add ${username} failed (${status}): ${stderr}`);
}

/** Logs in through the /login page form (by keyboard) and waits for the landing page. */
export async function logIn(page, baseUrl, username, password = TEST_PASSWORD, next = '') {
  await page.goto(`${baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.locator('#field-username').focus();
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.keyboard.press('Enter')]);
}
