import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/crypto.js';
import { startHousekeeping } from '../housekeeping.js';
import { createLogger } from '../logger.js';
import { RecordingClient, signUp } from '../test/accounts.js';
import { waitFor } from '../test/fixtures.js';
import { startTestServer, testBackends, TestClient, type TestServer } from '../test/harness.js';

/** Rate-limit tests run dozens of deliberately slow password checks; a busy 2-core machine needs room. */
const SLOW = { timeout: 240_000 };

const errorShape = (code: string) => ({ error: { code, message: expect.any(String) } });
const uniqueEmail = (label: string) => `${label}-${randomUUID()}@example.com`;

function sessionCookieLine(headers: Headers): string {
  const line = headers.getSetCookie().find((value) => value.startsWith('alliance_session='));
  if (!line) throw new Error('no session cookie was set');
  return line;
}

describe.each(testBackends())('auth on %s', (kind) => {
  let server: TestServer;
  const transcript: string[] = [];
  beforeAll(async () => {
    server = await startTestServer(kind, { SESSION_TTL_DAYS: '7' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('signs a person up, answers 201 with their public fields and logs them in', async () => {
    const client = new RecordingClient(server.url, transcript);
    const email = uniqueEmail('Ada');
    const response = await client.post('/api/auth/signup', { email, password: 'correct horse battery', name: 'Ada' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: 'Ada' });
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual(response.body);
  });

  it('sets an httpOnly, SameSite=Lax session cookie for the whole site that lives SESSION_TTL_DAYS', async () => {
    const client = new TestClient(server.url);
    const response = await client.post('/api/auth/signup', { email: uniqueEmail('cookie'), password: 'long enough password', name: 'C' });
    const line = sessionCookieLine(response.headers);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).toMatch(new RegExp(`; Max-Age=${7 * 86_400}`));
    // Served over plain HTTP without a proxy: a Secure cookie would never come back.
    expect(line).not.toMatch(/; Secure/);
  });

  it('stores only the hash of the session token', async () => {
    const account = await signUp(server.url, 'Hashed', transcript);
    const token = account.client.cookie.split('=')[1]!;
    const rows = await server.db.db.selectFrom('auth_sessions').select('id').where('user_id', '=', account.id).execute();
    expect(rows.map((row) => row.id)).toEqual([hashToken(token)]);
  });

  it('refuses a second signup with the same email, whatever its case, with 409 CONFLICT', async () => {
    const first = await signUp(server.url, 'Twice', transcript);
    const again = await new RecordingClient(server.url, transcript).post('/api/auth/signup', { email: first.email.toUpperCase(), password: 'another long password', name: 'T' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual(errorShape('CONFLICT'));
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('logs in with the right password (email in any case) and answers 200 with a new cookie', async () => {
    const account = await signUp(server.url, 'Login', transcript);
    const client = new RecordingClient(server.url, transcript);
    const response = await client.post('/api/auth/login', { email: `  ${account.email.toUpperCase()} `, password: account.password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: account.id, email: account.email, name: account.name });
    expect(sessionCookieLine(response.headers)).toMatch(/HttpOnly/);
    expect((await client.get('/api/me')).body.id).toBe(account.id);
  });

  it('answers a wrong password and an unknown email with the same 401 and message', async () => {
    const account = await signUp(server.url, 'Wrong', transcript);
    const client = new RecordingClient(server.url, transcript);
    const wrongPassword = await client.post('/api/auth/login', { email: account.email, password: 'not the password' });
    const unknownEmail = await client.post('/api/auth/login', { email: uniqueEmail('nobody'), password: 'not the password' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(errorShape('UNAUTHORIZED'));
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('retires the browser’s previous session when it logs in again', async () => {
    const account = await signUp(server.url, 'Again', transcript);
    const firstCookie = account.client.cookie;
    const login = await account.client.post('/api/auth/login', { email: account.email, password: account.password });
    expect(login.status).toBe(200);
    expect(account.client.cookie).not.toBe(firstCookie);
    const stale = new TestClient(server.url);
    stale.cookie = firstCookie;
    expect((await stale.get('/api/me')).status).toBe(401);
    expect((await account.client.get('/api/me')).status).toBe(200);
  });

  it('tells browsers and proxies not to store personal answers', async () => {
    const account = await signUp(server.url, 'Private', transcript);
    const me = await account.client.get('/api/me');
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('answers /api/me with 401 when nobody is logged in or the cookie is made up', async () => {
    const anonymous = await new TestClient(server.url).get('/api/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual(errorShape('UNAUTHORIZED'));
    const forged = new TestClient(server.url);
    forged.cookie = 'alliance_session=made-up-token';
    expect((await forged.get('/api/me')).status).toBe(401);
  });

  it('keeps a session in use alive: once a day a request moves its expiry on and renews the cookie', async () => {
    const account = await signUp(server.url, 'Regular', transcript);
    const token = account.client.cookie.split('=')[1]!;
    const expiryOf = async () =>
      (await server.db.db.selectFrom('auth_sessions').select('expires_at').where('id', '=', hashToken(token)).executeTakeFirstOrThrow()).expires_at.getTime();
    const fresh = await expiryOf();
    // Used again soon after: nothing is written, no cookie sent.
    const soon = await account.client.get('/api/me');
    expect(soon.status).toBe(200);
    expect(soon.headers.getSetCookie()).toEqual([]);
    expect(await expiryOf()).toBe(fresh);
    // Last renewed two days ago: the expiry moves to a full TTL from now, same token.
    const twoDaysAgo = new Date(fresh - 2 * 86_400_000);
    await server.db.db.updateTable('auth_sessions').set({ expires_at: twoDaysAgo }).where('id', '=', hashToken(token)).execute();
    const later = await account.client.get('/api/me');
    expect(later.status).toBe(200);
    const line = sessionCookieLine(later.headers);
    expect(line.startsWith(`alliance_session=${token};`)).toBe(true);
    expect(line).toMatch(new RegExp(`; Max-Age=${7 * 86_400}`));
    expect(await expiryOf()).toBeGreaterThanOrEqual(Date.now() + 7 * 86_400_000 - 60_000);
  });

  it('ends a session left alone past its expiry, and housekeeping deletes it', async () => {
    const account = await signUp(server.url, 'Away', transcript);
    const token = account.client.cookie.split('=')[1]!;
    await server.db.db.updateTable('auth_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', hashToken(token)).execute();
    expect((await account.client.get('/api/me')).status).toBe(401);
    const live = await signUp(server.url, 'Present', transcript);
    const stop = startHousekeeping({ db: server.db.db, logger: createLogger('silent') });
    try {
      const sessionsOf = async (userId: string) => (await server.db.db.selectFrom('auth_sessions').select('id').where('user_id', '=', userId).execute()).length;
      await waitFor(async () => (await sessionsOf(account.id)) === 0, 'the expired session deleted');
      expect(await sessionsOf(live.id)).toBe(1);
    } finally {
      stop();
    }
  });

  it('logs out: deletes the session on the server and clears the cookie', async () => {
    const account = await signUp(server.url, 'Leaving', transcript);
    const oldCookie = account.client.cookie;
    const response = await account.client.post('/api/auth/logout');
    expect(response.status).toBe(204);
    expect(sessionCookieLine(response.headers)).toMatch(/^alliance_session=;.*Max-Age=0/);
    expect(account.client.cookie).toBe('');
    const rows = await server.db.db.selectFrom('auth_sessions').select('id').where('user_id', '=', account.id).execute();
    expect(rows).toEqual([]);
    // The old cookie, replayed, no longer works.
    const replay = new TestClient(server.url);
    replay.cookie = oldCookie;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('gives a browser that signs up or logs in a long-lived httpOnly device cookie, kept only as a hash', async () => {
    const account = await signUp(server.url, 'Device', transcript);
    const line = account.client.deviceCookie;
    expect(line).toMatch(/^alliance_device=[A-Za-z0-9_-]{40,}$/);
    const browser = new TestClient(server.url);
    const login = await browser.post('/api/auth/login', { email: account.email, password: account.password });
    const setCookie = login.headers.getSetCookie().find((value) => value.startsWith('alliance_device='))!;
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\/api\/auth/);
    expect(setCookie).toMatch(new RegExp(`; Max-Age=${400 * 86_400}`));
    const rows = await server.db.db.selectFrom('login_devices').select('id').where('user_id', '=', account.id).execute();
    const tokens = [account.client.deviceCookie, browser.deviceCookie].map((pair) => pair.split('=')[1]!);
    expect(rows.map((row) => row.id).sort()).toEqual(tokens.map(hashToken).sort());
    // A browser that logs in again with its device cookie keeps it.
    const again = await browser.post('/api/auth/login', { email: account.email, password: account.password });
    expect(again.headers.getSetCookie().some((value) => value.startsWith('alliance_device='))).toBe(false);
  });

  it('logs out everywhere: every session of the person ends, this one included, and others’ stay', async () => {
    const account = await signUp(server.url, 'Everywhere', transcript);
    const elsewhere = new TestClient(server.url);
    await elsewhere.post('/api/auth/login', { email: account.email, password: account.password });
    const bystander = await signUp(server.url, 'Bystander', transcript);
    const response = await account.client.post('/api/auth/logout-everywhere');
    expect(response.status).toBe(204);
    expect(sessionCookieLine(response.headers)).toMatch(/^alliance_session=;.*Max-Age=0/);
    expect(await server.db.db.selectFrom('auth_sessions').select('id').where('user_id', '=', account.id).execute()).toEqual([]);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await bystander.client.get('/api/me')).status).toBe(200);
    // The other browser is no longer a known device; this one still is.
    const devices = await server.db.db.selectFrom('login_devices').select('id').where('user_id', '=', account.id).execute();
    expect(devices.map((row) => row.id)).toEqual([hashToken(account.client.deviceCookie.split('=')[1]!)]);
    expect((await new TestClient(server.url).post('/api/auth/logout-everywhere')).status).toBe(401);
  });

  describe('changing the password', () => {
    const change = (client: TestClient, currentPassword: string, newPassword: string) => client.post('/api/auth/password', { currentPassword, newPassword });

    it('refuses a wrong current password with 403 and changes nothing', async () => {
      const account = await signUp(server.url, 'Careful', transcript);
      const elsewhere = new TestClient(server.url);
      await elsewhere.post('/api/auth/login', { email: account.email, password: account.password });
      const response = await change(account.client, 'not my password', 'a brand new long password');
      expect(response.status).toBe(403);
      expect(response.body).toEqual(errorShape('FORBIDDEN'));
      expect((await elsewhere.get('/api/me')).status).toBe(200);
      expect((await new TestClient(server.url).post('/api/auth/login', { email: account.email, password: 'a brand new long password' })).status).toBe(401);
      expect((await new TestClient(server.url).post('/api/auth/login', { email: account.email, password: account.password })).status).toBe(200);
    });

    it('changes it: the new password logs in, the old one no longer does; other sessions end, this one stays', async () => {
      const account = await signUp(server.url, 'Changer', transcript);
      const elsewhere = new TestClient(server.url);
      await elsewhere.post('/api/auth/login', { email: account.email, password: account.password });
      const bystander = await signUp(server.url, 'Unrelated', transcript);
      const response = await change(account.client, account.password, 'a brand new long password');
      expect(response.status).toBe(204);
      expect((await account.client.get('/api/me')).status).toBe(200);
      expect((await elsewhere.get('/api/me')).status).toBe(401);
      expect((await bystander.client.get('/api/me')).status).toBe(200);
      expect((await new TestClient(server.url).post('/api/auth/login', { email: account.email, password: account.password })).status).toBe(401);
      expect((await new TestClient(server.url).post('/api/auth/login', { email: account.email, password: 'a brand new long password' })).status).toBe(200);
      const audit = await server.db.db.selectFrom('audit_events').select('action').where('user_id', '=', account.id).where('action', '=', 'auth.password_changed').execute();
      expect(audit).toHaveLength(1);
    });

    it('needs a session, a new password of 10 characters or more and one that differs from the current', async () => {
      const account = await signUp(server.url, 'Rules', transcript);
      expect((await change(new TestClient(server.url), account.password, 'a brand new long password')).status).toBe(401);
      const short = await change(account.client, account.password, 'short');
      expect(short.status).toBe(400);
      expect(short.body.error.message).toMatch(/newPassword/);
      expect(JSON.stringify(short.body)).not.toContain(account.password);
      const same = await change(account.client, account.password, account.password);
      expect(same.status).toBe(400);
      expect(same.body).toEqual(errorShape('VALIDATION_FAILED'));
    });
  });

  it('answers logout without a session with 204 too', async () => {
    expect((await new TestClient(server.url).post('/api/auth/logout')).status).toBe(204);
  });

  it('records signup, login and logout in the audit log without a workspace', async () => {
    const account = await signUp(server.url, 'Audited', transcript);
    await new TestClient(server.url).post('/api/auth/login', { email: account.email, password: account.password });
    await account.client.post('/api/auth/logout');
    const rows = await server.db.db.selectFrom('audit_events').select(['action', 'workspace_id']).where('user_id', '=', account.id).orderBy('created_at').execute();
    expect(rows).toEqual([
      { action: 'auth.signup', workspace_id: null },
      { action: 'auth.login', workspace_id: null },
      { action: 'auth.logout', workspace_id: null },
    ]);
  });

  it('refuses a cross-site POST (Origin: https://evil.example) with 403 and logs nobody in', async () => {
    const account = await signUp(server.url, 'Target', transcript);
    const client = new TestClient(server.url);
    const response = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(errorShape('FORBIDDEN'));
    expect(response.headers.getSetCookie()).toEqual([]);
    const sameSite = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, { origin: server.url });
    expect(sameSite.status).toBe(200);
  });

  describe('validation', () => {
    it('refuses a malformed email with 400 VALIDATION_FAILED naming the field', async () => {
      const response = await new TestClient(server.url).post('/api/auth/signup', { email: 'not-an-email', password: 'long enough password', name: 'V' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
      expect(response.body.error.message).toMatch(/email/);
    });

    it('refuses a short password without echoing it back', async () => {
      const response = await new TestClient(server.url).post('/api/auth/signup', { email: uniqueEmail('short'), password: 'hunter2', name: 'V' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('VALIDATION_FAILED'));
      expect(response.body.error.message).toMatch(/password/);
      expect(JSON.stringify(response.body)).not.toContain('hunter2');
    });

    it('refuses a missing name and a login without a password', async () => {
      const signup = await new TestClient(server.url).post('/api/auth/signup', { email: uniqueEmail('noname'), password: 'long enough password' });
      expect(signup.status).toBe(400);
      expect(signup.body).toEqual(errorShape('VALIDATION_FAILED'));
      const login = await new TestClient(server.url).post('/api/auth/login', { email: uniqueEmail('nopass') });
      expect(login.status).toBe(400);
      expect(login.body).toEqual(errorShape('VALIDATION_FAILED'));
    });

    it('answers malformed JSON with 400 BAD_REQUEST, not a 500', async () => {
      const response = await new TestClient(server.url).request('POST', '/api/auth/login', '{"email": "a@example.com", "password":', { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorShape('BAD_REQUEST'));
    });

    it('refuses an oversized body with 413 before reading it', async () => {
      const response = await new TestClient(server.url).post('/api/auth/signup', { email: uniqueEmail('big'), password: 'x'.repeat(100_000), name: 'B' });
      expect(response.status).toBe(413);
      expect(response.body).toEqual(errorShape('BAD_REQUEST'));
    });
  });

  it('never sends a password, a password hash or a session-token hash in any response', async () => {
    const users = await server.db.db.selectFrom('users').select('password_hash').execute();
    const sessions = await server.db.db.selectFrom('auth_sessions').select('id').execute();
    expect(users.length).toBeGreaterThan(3);
    expect(transcript.length).toBeGreaterThan(20);
    const everything = transcript.join('\n');
    for (const user of users) expect(everything).not.toContain(user.password_hash.split('$').at(-1));
    for (const session of sessions) expect(everything).not.toContain(session.id);
    expect(everything).not.toContain('password_hash');
    expect(everything).not.toContain('correct horse battery');
  });
});

describe.each(testBackends())('auth behind a trusted proxy on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await server.stop();
  });

  const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });

  it('marks the session cookie Secure when the proxy says the request came over HTTPS', async () => {
    const response = await new TestClient(server.url).request(
      'POST',
      '/api/auth/signup',
      { email: uniqueEmail('secure'), password: 'long enough password', name: 'S' },
      from('192.0.2.1', { 'x-forwarded-proto': 'https' }),
    );
    expect(response.status).toBe(201);
    expect(sessionCookieLine(response.headers)).toMatch(/; Secure/);
  });

  it('reads X-Forwarded-Proto as the proxy wrote it: an https the client put before it does not make the cookie Secure', async () => {
    const response = await new TestClient(server.url).request(
      'POST',
      '/api/auth/signup',
      { email: uniqueEmail('insecure'), password: 'long enough password', name: 'I' },
      from('192.0.2.2', { 'x-forwarded-proto': 'https, http' }),
    );
    expect(response.status).toBe(201);
    expect(sessionCookieLine(response.headers)).not.toMatch(/; Secure/);
  });

  it('keys the per-address limit by the address the proxy added: rotating a spoofed leftmost X-Forwarded-For does not escape it', SLOW, async () => {
    const account = await signUp(server.url, 'Spoofed');
    const client = new TestClient(server.url);
    const spoofed = (attempt: number) => ({ 'x-forwarded-for': `10.9.${attempt}.1, 198.51.100.60` });
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      const response = await client.request('POST', '/api/auth/login', { email: uniqueEmail(`rotating-${attempt}`), password: 'wrong password' }, spoofed(attempt));
      expect(response.status).toBe(401);
    }
    const blocked = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, spoofed(31));
    expect(blocked.status).toBe(429);
    const elsewhere = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, { 'x-forwarded-for': '10.9.31.1, 198.51.100.61' });
    expect(elsewhere.status).toBe(200);
  });

  describe('per-account throttling with device cookies', () => {
    const login = (client: TestClient, address: string, email: string, password: string) => client.request('POST', '/api/auth/login', { email, password }, from(address));

    it('failures from elsewhere lock the account for browsers it does not know, while the owner’s browser with its device cookie still logs in', SLOW, async () => {
      const owner = await signUp(server.url, 'Owner');
      await owner.client.post('/api/auth/logout');
      expect(owner.client.deviceCookie).not.toBe('');
      const attacker = new TestClient(server.url);
      for (let attempt = 1; attempt <= 10; attempt += 1) expect((await login(attacker, `192.0.2.${100 + attempt}`, owner.email, `guess-${attempt}`)).status).toBe(401);
      // Any browser the account does not know is refused now, even with the right password…
      expect((await login(new TestClient(server.url), '192.0.2.120', owner.email, owner.password)).status).toBe(429);
      expect((await login(attacker, '192.0.2.121', owner.email, `guess-11`)).status).toBe(429);
      // …but the owner's own browser is not.
      const back = await login(owner.client, '192.0.2.122', owner.email, owner.password);
      expect(back.status).toBe(200);
      expect((await owner.client.get('/api/me')).body.id).toBe(owner.id);
    });

    it('counts a device cookie of another account as none', SLOW, async () => {
      const target = await signUp(server.url, 'Target');
      const attacker = await signUp(server.url, 'Attacker');
      for (let attempt = 1; attempt <= 10; attempt += 1) expect((await login(attacker.client, '192.0.2.130', target.email, `guess-${attempt}`)).status).toBe(401);
      expect((await login(new TestClient(server.url), '192.0.2.131', target.email, target.password)).status).toBe(429);
    });

    it('limits guesses from a known browser per device, without locking the account for others', SLOW, async () => {
      const owner = await signUp(server.url, 'Forgetful Owner');
      await owner.client.post('/api/auth/logout');
      for (let attempt = 1; attempt <= 10; attempt += 1) expect((await login(owner.client, '192.0.2.140', owner.email, `typo-${attempt}`)).status).toBe(401);
      const blocked = await login(owner.client, '192.0.2.140', owner.email, owner.password);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await login(new TestClient(server.url), '192.0.2.141', owner.email, owner.password)).status).toBe(200);
    });

    it('keeps the target’s counter through a flood of junk emails from many addresses', SLOW, async () => {
      const target = await signUp(server.url, 'Flooded');
      const attacker = new TestClient(server.url);
      for (let attempt = 1; attempt <= 10; attempt += 1) await login(attacker, '192.0.2.150', target.email, `guess-${attempt}`);
      const junk = Array.from({ length: 60 }, (_, index) => index);
      for (let start = 0; start < junk.length; start += 10) {
        await Promise.all(junk.slice(start, start + 10).map((index) => login(attacker, `10.77.${Math.floor(index / 250)}.${index % 250}`, uniqueEmail(`junk-${index}`), 'wrong password')));
      }
      expect((await login(new TestClient(server.url), '192.0.2.151', target.email, target.password)).status).toBe(429);
    });

    it('counts wrong current passwords on the password change like failed logins', SLOW, async () => {
      const account = await signUp(server.url, 'Stolen Session');
      // A stolen session cookie, used from a browser the account does not know.
      const thief = new TestClient(server.url);
      thief.cookie = account.client.cookie;
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const response = await thief.request('POST', '/api/auth/password', { currentPassword: `guess-${attempt}`, newPassword: 'the thief’s new password' }, from('192.0.2.160'));
        expect(response.status).toBe(403);
      }
      const blocked = await thief.request('POST', '/api/auth/password', { currentPassword: account.password, newPassword: 'the thief’s new password' }, from('192.0.2.160'));
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(errorShape('RATE_LIMITED'));
      // The same counter: logins from unknown browsers are locked too; the owner's browser still logs in.
      expect((await login(new TestClient(server.url), '192.0.2.161', account.email, account.password)).status).toBe(429);
      expect((await login(account.client, '192.0.2.162', account.email, account.password)).status).toBe(200);
    });
  });

  // Each test logs in from its own address, so the per-address limit stays out of the way.
  describe('login rate limit per account', () => {
    const login = (address: string, email: string, password: string) => new TestClient(server.url).request('POST', '/api/auth/login', { email, password }, from(address));

    it('answers 429 RATE_LIMITED with Retry-After after 10 failed attempts, even with the right password', SLOW, async () => {
      const account = await signUp(server.url, 'Guessed');
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const response = await login('192.0.2.10', account.email, `guess-${attempt}`);
        expect(response.status).toBe(401);
      }
      // Even from another address: the account itself is protected.
      const blocked = await login('192.0.2.11', account.email, account.password);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(errorShape('RATE_LIMITED'));
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(blocked.headers.getSetCookie()).toEqual([]);
    });

    it('limits other accounts independently', SLOW, async () => {
      const first = await signUp(server.url, 'First');
      const second = await signUp(server.url, 'Second');
      for (let attempt = 1; attempt <= 10; attempt += 1) await login('192.0.2.20', first.email, 'wrong password');
      expect((await login('192.0.2.20', first.email, first.password)).status).toBe(429);
      expect((await login('192.0.2.20', second.email, second.password)).status).toBe(200);
    });

    it('starts counting afresh after a successful login', SLOW, async () => {
      const account = await signUp(server.url, 'Forgetful');
      const statuses: number[] = [];
      for (let attempt = 1; attempt <= 9; attempt += 1) statuses.push((await login('192.0.2.30', account.email, 'wrong password')).status);
      statuses.push((await login('192.0.2.30', account.email, account.password)).status);
      for (let attempt = 1; attempt <= 9; attempt += 1) statuses.push((await login('192.0.2.30', account.email, 'wrong password')).status);
      statuses.push((await login('192.0.2.30', account.email, account.password)).status);
      expect(statuses).toEqual([...Array<number>(9).fill(401), 200, ...Array<number>(9).fill(401), 200]);
    });

    it('lets at most 10 of many parallel guesses reach the password check', SLOW, async () => {
      const account = await signUp(server.url, 'Parallel');
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, attempt) => login('192.0.2.40', account.email, `parallel-${attempt}`)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 401)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    });
  });

  it('answers 429 after 30 failed logins from one address, for any account, while other addresses still get through', SLOW, async () => {
    const account = await signUp(server.url, 'Bystander');
    const client = new TestClient(server.url);
    const sprayed = await Promise.all(
      Array.from({ length: 30 }, (_, attempt) => client.request('POST', '/api/auth/login', { email: uniqueEmail(`spray-${attempt}`), password: 'wrong password' }, from('198.51.100.7'))),
    );
    expect(sprayed.map((response) => response.status)).toEqual(Array<number>(30).fill(401));
    const blocked = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, from('198.51.100.7'));
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(errorShape('RATE_LIMITED'));
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const elsewhere = await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, from('198.51.100.8'));
    expect(elsewhere.status).toBe(200);
  });

  it('limits signups per address loosely: the 51st attempt within 15 minutes gets 429', SLOW, async () => {
    const client = new TestClient(server.url);
    // Invalid attempts count too (they are cheap to send), which keeps this test fast.
    for (let attempt = 1; attempt <= 50; attempt += 1) {
      const response = await client.request('POST', '/api/auth/signup', { email: 'nope', password: 'x', name: '' }, from('203.0.113.5'));
      expect(response.status).toBe(400);
    }
    const blocked = await client.request('POST', '/api/auth/signup', { email: uniqueEmail('late'), password: 'long enough password', name: 'L' }, from('203.0.113.5'));
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual(errorShape('RATE_LIMITED'));
    const elsewhere = await client.request('POST', '/api/auth/signup', { email: uniqueEmail('other'), password: 'long enough password', name: 'O' }, from('203.0.113.6'));
    expect(elsewhere.status).toBe(201);
  });
});

describe.each(testBackends())('auth behind two trusted proxies on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { TRUST_PROXY: '2' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('takes the client address two entries from the right of X-Forwarded-For', SLOW, async () => {
    const account = await signUp(server.url, 'Two Hops');
    const client = new TestClient(server.url);
    // The client's own entry (anything it likes), the address the outer proxy saw, the inner proxy's.
    const via = (spoof: string, address: string) => ({ 'x-forwarded-for': `${spoof}, ${address}, 10.0.0.2` });
    for (let attempt = 1; attempt <= 30; attempt += 1) {
      const response = await client.request('POST', '/api/auth/login', { email: uniqueEmail(`hop-${attempt}`), password: 'wrong password' }, via(`10.8.${attempt}.1`, '203.0.113.77'));
      expect(response.status).toBe(401);
    }
    expect((await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, via('10.8.99.1', '203.0.113.77'))).status).toBe(429);
    // Another client behind the same proxies is a different address.
    expect((await client.request('POST', '/api/auth/login', { email: account.email, password: account.password }, via('10.8.99.1', '203.0.113.78'))).status).toBe(200);
  });

  it('reads X-Forwarded-Proto two entries from the right', async () => {
    const response = await new TestClient(server.url).request(
      'POST',
      '/api/auth/signup',
      { email: uniqueEmail('two-hops-secure'), password: 'long enough password', name: 'S' },
      { 'x-forwarded-for': '203.0.113.80, 10.0.0.2', 'x-forwarded-proto': 'https, http' },
    );
    expect(response.status).toBe(201);
    expect(sessionCookieLine(response.headers)).toMatch(/; Secure/);
  });
});
