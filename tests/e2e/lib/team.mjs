// Team members for the browser tests of the team's pages: accounts made with the CLI while the
// server runs, logging in through the gate, and a member working through the API beside the
// browser (a session of their own).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * `users` maps a name to `{ password, role }`. The accounts are made on first use
 * (`ensureUsers()`), in the database of the server that `env` holds.
 */
export function teamMembers(env, users) {
  let made = false;

  function ensureUsers() {
    if (made) return;
    for (const [name, { password, role }] of Object.entries(users)) {
      const out = spawnSync(process.env.RODEKNOP_BIN, ['user', 'add', '--db', env.server.dbPath, '--username', name, '--role', role], {
        input: `${password}\n`,
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, `user add ${name}: ${out.stderr}`);
    }
    made = true;
  }

  /** Logs in through /login, starting from `path` (the gate sends the browser to the login page). */
  async function login(page, path = '/team', user = 'anna') {
    await page.goto(`${env.server.url}${path}`);
    assert.match(page.url(), /\/login\?next=/, 'a browser without a session goes to the login page');
    await page.fill('#field-username', user);
    await page.fill('#field-password', users[user].password);
    await Promise.all([page.waitForURL((u) => u.pathname === path.split('?')[0]), page.keyboard.press('Enter')]);
  }

  /** A member working outside the browser: `call(method, path, body, headers)` → `{status, etag, body}`. */
  async function apiSession(user) {
    const res = await fetch(`${env.server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: users[user].password }),
    });
    assert.equal(res.status, 200);
    const { csrf_token: csrf } = await res.json();
    const cookie = res.headers.get('set-cookie').split(';')[0];
    return async (method, path, body, headers = {}) => {
      const r = await fetch(`${env.server.url}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrf, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, etag: r.headers.get('etag'), body: await r.json().catch(() => null) };
    };
  }

  return { ensureUsers, login, apiSession };
}
