import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@alliance/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../auth/sessions.js';
import { PRODUCTION_NODE_FLAGS } from '../node-flags.js';
import { createMemberPair, openRawSocket, SocketClient, useTestServer } from './fixtures.js';
import { testBackends, TestClient } from './harness.js';
import { COMPILED_ENTRY, killHard, launchServer, REPO_ROOT, spawnServer } from './server-process.js';

/** What `npm start` sets: production, over http on loopback for local use. */
const LOCAL_PRODUCTION = { NODE_ENV: 'production', ALLOW_HTTP_LOCALHOST: 'true' } as const;

const serverManifest = () =>
  JSON.parse(readFileSync(join(REPO_ROOT, 'apps/server/package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };

/** The directives every response must switch off. */
const POLICY_OFF = ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()', 'serial=()', 'hid=()', 'display-capture=()'];

function expectPermissionsPolicy(response: Response, what: string): void {
  const policy = response.headers.get('permissions-policy');
  expect(policy, `${what}: Permissions-Policy`).not.toBeNull();
  const directives = policy!.split(',').map((directive) => directive.trim());
  for (const off of POLICY_OFF) expect(directives, what).toContain(off);
}

/** A built web app in miniature: an index page and one hashed asset. */
function fakeWebDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alliance-web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Alliance</title><div id="root" data-marker="web-app"></div>');
  writeFileSync(join(dir, 'assets/app-3f2a1b.js'), 'console.log("web app");');
  return dir;
}

describe('the compiled server that npm start runs', () => {
  it('is what npm start runs: node on dist/index.js, with nothing that runs TypeScript needed at run time', () => {
    const manifest = serverManifest();
    expect(manifest.scripts.start).toMatch(/(^|\s)node\s+(--\S+\s+)*dist\/index\.js$/);
    // With the flags the tests and the bench run it with.
    expect(manifest.scripts.start).toMatch(new RegExp(`(^|\\s)node ${PRODUCTION_NODE_FLAGS.join(' ')} dist/index\\.js$`));
    expect(manifest.scripts.start).not.toMatch(/tsx|esbuild|--import|--loader|--require/);
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(manifest.dependencies).not.toHaveProperty('esbuild');
    expect(existsSync(COMPILED_ENTRY), `${COMPILED_ENTRY} (turbo builds it before the tests)`).toBe(true);
    // Our own packages (TypeScript source) are inside the bundle, never imported at run time.
    expect(readFileSync(COMPILED_ENTRY, 'utf8')).not.toMatch(/from\s*["'](@alliance\/|tsx|esbuild)/);
  });

  describe.each(testBackends())('on %s', (kind) => {
    let database: TestDatabase;
    let webDist: string;
    let child: ChildProcess;
    let url: string;
    beforeAll(async () => {
      database = await createTestDatabase(kind);
      webDist = fakeWebDist();
      const started = await spawnServer(
        { ...LOCAL_PRODUCTION, WEB_DIST: webDist, ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir! }) },
        'compiled',
      );
      child = started.child;
      url = started.url;
    });
    afterAll(async () => {
      if (child) await killHard(child);
      await database?.drop();
      rmSync(webDist, { recursive: true, force: true });
    });

    it('runs under plain node, listening on loopback only, and serves /api/health and the web app', async () => {
      // The process's own command line: node and the bundle, no loader and no NODE_OPTIONS.
      const commandLine = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(commandLine).toEqual([process.execPath, ...PRODUCTION_NODE_FLAGS, COMPILED_ENTRY]);
      const environment = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      expect(environment.filter((entry) => entry.startsWith('NODE_OPTIONS='))).toEqual([]);
      expect(new URL(url).hostname).toBe('127.0.0.1');

      const health = await fetch(`${url}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, db: kind });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('data-marker="web-app"');
      const deepLink = await fetch(`${url}/workspaces/some-id`);
      expect(await deepLink.text()).toContain('data-marker="web-app"');
      const asset = await fetch(`${url}/assets/app-3f2a1b.js`);
      expect(asset.status).toBe(200);
      expect(await asset.text()).toBe('console.log("web app");');
    });

    it('sends a permissions policy with every response: pages, assets, API answers and errors', async () => {
      for (const path of ['/', '/assets/app-3f2a1b.js', '/api/health', '/api/me', '/api/nope']) {
        const response = await fetch(`${url}${path}`);
        await response.arrayBuffer();
        expectPermissionsPolicy(response, path);
        // The content security policy stays as it was.
        expect(response.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      }
    });

    it('sets the session cookie __Host- prefixed, Secure, HttpOnly, Path=/ and without Domain, and reads only that name', async () => {
      const signup = await fetch(`${url}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `prod-${kind}@example.com`, password: 'a long production password', name: 'Prod' }),
      });
      expect(signup.status).toBe(201);
      const [line, ...others] = signup.headers.getSetCookie();
      // The only other cookie is the device cookie of the login throttle: Secure too, and prefixed.
      expect(others).toHaveLength(1);
      expect(others[0]).toMatch(/^__Secure-alliance_device=[\w.-]{20,};/);
      expect(others[0]!.split(';').map((part) => part.trim())).toEqual(expect.arrayContaining(['Secure', 'HttpOnly', 'Path=/api/auth']));
      const [pair, ...attributes] = line!.split(';').map((part) => part.trim());
      expect(pair).toMatch(/^__Host-alliance_session=[\w-]{20,}$/);
      expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
      expect(attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);

      const token = pair!.slice(pair!.indexOf('=') + 1);
      const me = await fetch(`${url}/api/me`, { headers: { cookie: pair! } });
      expect(me.status).toBe(200);
      // The same token under the development name is not a session here.
      const plain = await fetch(`${url}/api/me`, { headers: { cookie: `alliance_session=${token}` } });
      expect(plain.status).toBe(401);

      const logout = await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: pair!, 'content-type': 'application/json' }, body: '{}' });
      expect(logout.status).toBe(204);
      expect(logout.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-alliance_session=;.*Max-Age=0.*Path=\/.*Secure/)]);
    });
  });

  describe('start-up refusals', () => {
    // Where a server that wrongly started would keep its data.
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'alliance-refused-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    /** Launches the compiled server expecting a refusal: its exit code and what it printed. */
    async function refusal(env: Record<string, string>): Promise<{ code: number | 'started'; output: string }> {
      const launch = await launchServer({ ...env, DATA_DIR: dataDir }, 'compiled');
      if (launch.started) await killHard(launch.child);
      return { code: launch.started ? 'started' : (launch.code ?? -1), output: launch.output() };
    }

    it('refuses to start in production over http without the local-use allowance, saying what to set', async () => {
      const settings: Record<string, string>[] = [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', PUBLIC_URL: 'http://alliance.example.org' }];
      for (const env of settings) {
        const { code, output } = await refusal(env);
        expect(code, JSON.stringify(env)).toBe(1);
        expect(output).toContain('Invalid configuration: PUBLIC_URL: NODE_ENV=production needs an https:// PUBLIC_URL');
        expect(output).toContain('set ALLOW_HTTP_LOCALHOST=true');
        // A message for the operator, not a stack trace.
        expect(output).not.toMatch(/^\s+at /m);
      }
    });

    it('refuses the local-use allowance on an address other machines can reach', async () => {
      const cases = [
        [{ HOST: '0.0.0.0' }, 'HOST: ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not HOST=0.0.0.0'],
        [{ PUBLIC_URL: 'http://alliance.example.org' }, 'PUBLIC_URL: ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not PUBLIC_URL=http://alliance.example.org'],
      ] as const;
      for (const [env, message] of cases) {
        const { code, output } = await refusal({ ...LOCAL_PRODUCTION, ...env });
        expect(code, message).toBe(1);
        expect(output).toContain(message);
      }
    });
  });
});

describe.each(testBackends())('a server configured for production on %s', (kind) => {
  const context = useTestServer(kind, LOCAL_PRODUCTION);

  it('names the cookie __Host-alliance_session, and the HTTP API and both realtime transports read only that name', async () => {
    const { server } = context;
    expect(sessionCookieName(server.env)).toBe('__Host-alliance_session');
    const pair = await createMemberPair(server);
    expect(pair.therapist.cookie).toMatch(/^__Host-alliance_session=/);
    const plainCookie = pair.therapist.cookie.replace(/^__Host-/, '');

    const http = new TestClient(server.url, server.env);
    http.cookie = pair.therapist.cookie;
    expect((await http.get('/api/me')).status).toBe(200);
    http.cookie = plainCookie;
    expect((await http.get('/api/me')).status).toBe(401);

    const socket = await SocketClient.connect(server.url, pair.therapist.cookie);
    context.onStop(() => socket.close());
    expect((await socket.join(pair.workspaceId, 'roadmap')).result.role).toBe('therapist');
    await expect(SocketClient.connect(server.url, plainCookie)).rejects.toThrow('UNAUTHORIZED');

    const yjs = context.provider(pair.workspaceId, 'roadmap', pair.client.cookie);
    await yjs.synced;
    expect(yjs.closes).toEqual([]);
    const refused = await openRawSocket(server.url, `/yjs/${pair.workspaceId}/roadmap`, plainCookie);
    expect((await refused.closed).code).toBe(4401);
    expect(refused.messages).toHaveLength(0);
  });

  it('signs people up with the __Host- cookie, which the test client keeps', async () => {
    const client = new TestClient(context.server.url, context.server.env);
    const signup = await client.post('/api/auth/signup', { email: `host-${kind}@example.com`, password: 'a long enough password', name: 'Host' });
    expect(signup.status).toBe(201);
    expect(client.cookie).toMatch(/^__Host-alliance_session=/);
    expect((await client.get('/api/me')).status).toBe(200);
  });
});
