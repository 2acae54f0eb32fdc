import { CLOSE_CODES } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { hashToken } from '../auth/crypto.js';
import { signUp, type TestAccount } from './accounts.js';
import { openRawSocket, SocketClient, useTestServer } from './fixtures.js';
import { testBackends, TestClient } from './harness.js';

/** How often the server re-checks open connections' sessions in these tests. */
const RECHECK_MS = 150;

describe.each(testBackends())('realtime connections end with their login session on %s', (kind) => {
  const context = useTestServer(kind, { SESSION_RECHECK_MS: String(RECHECK_MS) });
  const url = () => context.server.url;

  /** A person with a workspace of their own (so they may open its roadmap on /yjs). */
  async function personWithWorkspace(name: string): Promise<TestAccount & { workspaceId: string }> {
    const account = await signUp(url(), name);
    const created = await account.client.post('/api/workspaces', { title: `${name}'s roadmap` });
    if (created.status !== 201) throw new Error(`workspace not created: ${created.status}`);
    return { ...account, workspaceId: created.body.id as string };
  }

  /** Another browser of the same person: a second login, a second session. */
  async function anotherBrowser(account: TestAccount): Promise<TestClient> {
    const browser = new TestClient(url());
    const login = await browser.post('/api/auth/login', { email: account.email, password: account.password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    return browser;
  }

  /** One connection on each transport with this browser's session cookie. */
  async function connect(cookie: string, workspaceId: string) {
    const socket = await context.socketClient(cookie);
    const socketClosed = new Promise<string>((resolve) => socket.socket.on('disconnect', (reason) => resolve(reason)));
    const raw = await openRawSocket(url(), `/yjs/${workspaceId}/roadmap`, cookie);
    context.onStop(() => raw.socket.close());
    let closeCode: number | null = null;
    void raw.closed.then(({ code }) => (closeCode = code));
    return {
      socket,
      /** Resolves with Socket.IO's reason once the server closed the socket. */
      socketClosed,
      /** Resolves with the close code once the y-websocket connection closed. */
      wsClosed: raw.closed.then(({ code }) => code),
      get open(): boolean {
        return socket.socket.connected && raw.socket.readyState === WebSocket.OPEN && closeCode === null;
      },
    };
  }

  /** Both transports of `connections` closed by the server, as an ended session closes them. */
  async function expectEnded(connections: Awaited<ReturnType<typeof connect>>): Promise<void> {
    expect(await connections.socketClosed).toBe('io server disconnect');
    expect(await connections.wsClosed).toBe(CLOSE_CODES.UNAUTHORIZED);
  }

  /** A reconnect with the ended session's cookie is refused on both transports. */
  async function expectRefused(cookie: string, workspaceId: string): Promise<void> {
    await expect(SocketClient.connect(url(), cookie)).rejects.toThrow('UNAUTHORIZED');
    const again = await openRawSocket(url(), `/yjs/${workspaceId}/roadmap`, cookie);
    expect((await again.closed).code).toBe(CLOSE_CODES.UNAUTHORIZED);
  }

  it('logging out closes that session’s Socket.IO and y-websocket connections and no one else’s', async () => {
    const dana = await personWithWorkspace('Dana');
    const danaElsewhere = await anotherBrowser(dana);
    const sam = await personWithWorkspace('Sam');
    const ending = await connect(dana.client.cookie, dana.workspaceId);
    const otherBrowser = await connect(danaElsewhere.cookie, dana.workspaceId);
    const someoneElse = await connect(sam.client.cookie, sam.workspaceId);
    const cookie = dana.client.cookie;

    expect((await dana.client.post('/api/auth/logout')).status).toBe(204);
    await expectEnded(ending);
    expect(otherBrowser.open).toBe(true);
    expect(someoneElse.open).toBe(true);
    await expectRefused(cookie, dana.workspaceId);
  });

  it('logging in again on the same browser closes the connections of the session it replaces', async () => {
    const dana = await personWithWorkspace('Dana');
    const before = await connect(dana.client.cookie, dana.workspaceId);
    const login = await dana.client.post('/api/auth/login', { email: dana.email, password: dana.password });
    expect(login.status).toBe(200);
    await expectEnded(before);
    const after = await connect(dana.client.cookie, dana.workspaceId);
    expect(after.open).toBe(true);
  });

  it('“log out everywhere” closes the connections of every session of the person, this one included, and no one else’s', async () => {
    const dana = await personWithWorkspace('Dana');
    const danaElsewhere = await anotherBrowser(dana);
    const sam = await personWithWorkspace('Sam');
    const here = await connect(dana.client.cookie, dana.workspaceId);
    const elsewhere = await connect(danaElsewhere.cookie, dana.workspaceId);
    const someoneElse = await connect(sam.client.cookie, sam.workspaceId);
    const cookies = [dana.client.cookie, danaElsewhere.cookie];

    expect((await dana.client.post('/api/auth/logout-everywhere')).status).toBe(204);
    await expectEnded(here);
    await expectEnded(elsewhere);
    expect(someoneElse.open).toBe(true);
    for (const cookie of cookies) await expectRefused(cookie, dana.workspaceId);
  });

  it('a password change closes the connections of the person’s other sessions and keeps this one’s', async () => {
    const dana = await personWithWorkspace('Dana');
    const danaElsewhere = await anotherBrowser(dana);
    const here = await connect(dana.client.cookie, dana.workspaceId);
    const elsewhere = await connect(danaElsewhere.cookie, dana.workspaceId);

    const change = await dana.client.post('/api/auth/password', { currentPassword: dana.password, newPassword: 'a brand new long password' });
    expect(change.status).toBe(204);
    await expectEnded(elsewhere);
    expect(here.open).toBe(true);
    await expectRefused(danaElsewhere.cookie, dana.workspaceId);
    // This browser's session goes on, and works for new connections too.
    expect((await dana.client.get('/api/me')).status).toBe(200);
    expect((await connect(dana.client.cookie, dana.workspaceId)).open).toBe(true);
  });

  it('a wrong current password ends nothing', async () => {
    const dana = await personWithWorkspace('Dana');
    const danaElsewhere = await anotherBrowser(dana);
    const elsewhere = await connect(danaElsewhere.cookie, dana.workspaceId);
    const change = await dana.client.post('/api/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new long password' });
    expect(change.status).toBe(403);
    // The re-check runs meanwhile: still nothing ends.
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS * 3));
    expect(elsewhere.open).toBe(true);
  });

  it('a session deleted in the database has its connections closed by the periodic re-check', async () => {
    const dana = await personWithWorkspace('Dana');
    const danaElsewhere = await anotherBrowser(dana);
    const deleted = await connect(dana.client.cookie, dana.workspaceId);
    const kept = await connect(danaElsewhere.cookie, dana.workspaceId);
    const token = dana.client.cookie.split('=')[1]!;
    await context.db.deleteFrom('auth_sessions').where('id', '=', hashToken(token)).execute();
    await expectEnded(deleted);
    expect(kept.open).toBe(true);
  });

  it('an expired session has its connections closed by the periodic re-check', async () => {
    const dana = await personWithWorkspace('Dana');
    const sam = await personWithWorkspace('Sam');
    const expiring = await connect(dana.client.cookie, dana.workspaceId);
    const kept = await connect(sam.client.cookie, sam.workspaceId);
    const token = dana.client.cookie.split('=')[1]!;
    await context.db.updateTable('auth_sessions').set({ expires_at: new Date(Date.now() - 1_000) }).where('id', '=', hashToken(token)).execute();
    await expectEnded(expiring);
    await expectRefused(dana.client.cookie, dana.workspaceId);
    expect(kept.open).toBe(true);
    // Nothing else is closed by later re-checks.
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS * 3));
    expect(kept.open).toBe(true);
  });
});
