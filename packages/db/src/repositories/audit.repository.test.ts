import { EDIT_PAUSE_MS, VIEW_PAUSE_MS } from '@alliance/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, testBackends } from '../testing.js';
import { listAccessLog, listAudit, recordAudit, recordView, REFRESH_FOLD_MS, type AccessLogRow } from './audit.repository.js';
import { createUser } from './users.repository.js';
import { createWorkspace } from './workspaces.repository.js';

const MINUTE = 60_000;
const BASE = Date.parse('2026-11-23T17:00:00Z');
const at = (minutes: number) => new Date(BASE + minutes * MINUTE);

describe.each(testBackends())('audit repository on %s', (kind) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let userId: string;
  let otherId: string;
  beforeAll(async () => {
    handle = await openTestDb(kind);
    userId = (await createUser(handle.db, { email: 'a@example.com', name: 'Avery', passwordHash: 'x' }))!.id;
    otherId = (await createUser(handle.db, { email: 'b@example.com', name: 'Blake', passwordHash: 'x' }))!.id;
  });
  afterAll(async () => {
    await handle.drop();
  });

  const newWorkspace = async (title: string) => {
    const workspace = await createWorkspace(handle.db, { title, therapistId: userId, docs: [{ name: 'roadmap', initialUpdate: new Uint8Array([0, 0]) }, { name: 'feedback', initialUpdate: null }, { name: 'drafts', initialUpdate: null }] });
    const docs = await handle.db.selectFrom('documents').select(['id', 'name']).where('workspace_id', '=', workspace.id).execute();
    return { id: workspace.id, doc: (name: string) => docs.find((doc) => doc.name === name)!.id };
  };
  /** Logged updates of `documentId` by `user` at these minutes after BASE, numbered after the last. */
  const addUpdates = async (documentId: string, user: string | null, minutes: number[]) => {
    const last = await handle.db.selectFrom('doc_updates').select((eb) => eb.fn.max('seq').as('max')).where('document_id', '=', documentId).executeTakeFirst();
    let seq = Number(last?.max ?? 0);
    for (const minute of minutes) {
      seq += 1;
      await handle.db.insertInto('doc_updates').values({ document_id: documentId, seq, update: new Uint8Array([1]), user_id: user, created_at: at(minute) }).execute();
    }
  };
  const addEvent = (workspaceId: string, user: string | null, action: string, minute: number, target: string | null = null) =>
    handle.db.insertInto('audit_events').values({ workspace_id: workspaceId, user_id: user, action, target, created_at: at(minute) }).execute();
  const viewRows = (workspaceId: string) =>
    handle.db.selectFrom('audit_events').select(['user_id', 'action', 'target', 'last_at']).where('workspace_id', '=', workspaceId).orderBy('seq').execute();
  /** Moves every recorded event of the workspace `ms` into the past. */
  const age = (workspaceId: string, ms: number) =>
    sql`update audit_events set created_at = created_at - ${sql.raw(`interval '${ms} milliseconds'`)}, last_at = last_at - ${sql.raw(`interval '${ms} milliseconds'`)} where workspace_id = ${workspaceId}`.execute(handle.db);
  const wholeLog = (workspaceId: string, hiddenDocs: string[] = []) => listAccessLog(handle.db, { workspaceId, hiddenDocs, limit: 1000 });
  const brief = (row: AccessLogRow) => ({ kind: row.kind, who: row.userName, what: row.action ?? row.doc ?? row.views.map((v) => `${v.action} ${v.target ?? ''}`.trim()).sort().join(', '), count: row.count });

  it('lists a workspace’s events newest first with the actor’s name', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'W', therapistId: userId, docs: [] });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: 'workspace.create' });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: 'doc.open', target: 'roadmap' });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId: null, action: 'checkpoint.write' });
    const events = await listAudit(handle.db, workspace.id);
    expect(events.map((e) => [e.action, e.target, e.userName])).toEqual([
      ['checkpoint.write', null, null],
      ['doc.open', 'roadmap', 'Avery'],
      ['workspace.create', null, 'Avery'],
    ]);
    expect(events[0]!.created_at).toBeInstanceOf(Date);
  });

  it('keeps workspaces’ logs apart and leaves events without a workspace out of every log', async () => {
    const one = await createWorkspace(handle.db, { title: 'One', therapistId: userId, docs: [] });
    const two = await createWorkspace(handle.db, { title: 'Two', therapistId: userId, docs: [] });
    await recordAudit(handle.db, { workspaceId: one.id, userId, action: 'workspace.view' });
    await recordAudit(handle.db, { workspaceId: null, userId, action: 'auth.login' });
    expect((await listAudit(handle.db, one.id)).map((e) => e.action)).toEqual(['workspace.view']);
    expect(await listAudit(handle.db, two.id)).toEqual([]);
    expect(await wholeLog(two.id)).toEqual([]);
  });

  it('returns at most `limit` events, the newest, and none about a document the reader may not open', async () => {
    const workspace = await createWorkspace(handle.db, { title: 'Busy', therapistId: userId, docs: [] });
    for (let i = 0; i < 5; i += 1) await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: `a${i}` });
    await recordAudit(handle.db, { workspaceId: workspace.id, userId, action: 'version.create', target: 'drafts' });
    expect((await listAudit(handle.db, workspace.id, { limit: 2 })).map((e) => e.action)).toEqual(['version.create', 'a4']);
    expect((await listAudit(handle.db, workspace.id, { limit: 2, hiddenDocs: ['drafts'] })).map((e) => e.action)).toEqual(['a4', 'a3']);
  });

  describe('recording views', () => {
    it('folds a person’s repeated look at the same thing into one row, and keeps other things and people apart', async () => {
      const { id } = await newWorkspace('Views');
      for (let i = 0; i < 5; i += 1) await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'open' });
      await recordView(handle.db, { workspaceId: id, userId, action: 'doc.open', target: 'roadmap', read: 'open' });
      await recordView(handle.db, { workspaceId: id, userId, action: 'doc.open', target: 'feedback', read: 'open' });
      await recordView(handle.db, { workspaceId: id, userId: otherId, action: 'terms.view', read: 'open' });
      const rows = await viewRows(id);
      expect(rows.map((row) => [row.user_id, row.action, row.target])).toEqual([
        [userId, 'terms.view', null],
        [userId, 'doc.open', 'roadmap'],
        [userId, 'doc.open', 'feedback'],
        [otherId, 'terms.view', null],
      ]);
      expect(rows[0]!.last_at).toBeInstanceOf(Date);
      expect(rows[1]!.last_at).toBeNull();
    });

    it('writes a look again once the last one is more than a pause ago', async () => {
      const { id } = await newWorkspace('Pause');
      await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'open' });
      await age(id, VIEW_PAUSE_MS + MINUTE);
      await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'open' });
      expect(await viewRows(id)).toHaveLength(2);
    });

    it('folds a refresh the app announces into a look hours old, without moving its time', async () => {
      const { id } = await newWorkspace('Refresh');
      await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'open' });
      await age(id, 3 * 60 * MINUTE);
      await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'refresh' });
      const rows = await viewRows(id);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.last_at).toBeNull();
      // An opening (not a refresh) that long after is a look of its own.
      await recordView(handle.db, { workspaceId: id, userId, action: 'terms.view', read: 'open' });
      expect(await viewRows(id)).toHaveLength(2);
    });

    it('never lets a refresh hide a first look, nor a look long after the last one', async () => {
      const { id } = await newWorkspace('Honest');
      await recordView(handle.db, { workspaceId: id, userId, action: 'doc.open', target: 'roadmap', read: 'refresh' });
      expect(await viewRows(id)).toHaveLength(1);
      // A look at something else is not covered by it.
      await recordView(handle.db, { workspaceId: id, userId, action: 'doc.open', target: 'feedback', read: 'refresh' });
      expect(await viewRows(id)).toHaveLength(2);
      await age(id, REFRESH_FOLD_MS + MINUTE);
      await recordView(handle.db, { workspaceId: id, userId, action: 'doc.open', target: 'roadmap', read: 'refresh' });
      expect(await viewRows(id)).toHaveLength(3);
    });
  });

  describe('the grouped log', () => {
    it('groups edits per person and document, with a new group after a pause, and the right counts and times', async () => {
      const { id, doc } = await newWorkspace('Edits');
      const gap = EDIT_PAUSE_MS / MINUTE;
      // Avery types in the roadmap 17:45–17:52 while Blake does too, 17:46–17:50.
      await addUpdates(doc('roadmap'), userId, [45, 45, 46, 47, 48, 49, 50, 50, 51, 51, 52, 52]);
      await addUpdates(doc('roadmap'), otherId, [46, 47, 48, 50]);
      // Avery again after a longer pause, and on the board meanwhile.
      await addUpdates(doc('roadmap'), userId, [52 + gap + 1, 52 + gap + 2]);
      await addUpdates(doc('feedback'), userId, [49]);
      // A change the server made itself (no member sent it).
      await addUpdates(doc('feedback'), null, [60]);
      const edits = (await wholeLog(id)).filter((row) => row.kind === 'edits');
      expect(edits.map((row) => ({ who: row.userName, doc: row.doc, changes: row.count, from: row.firstAt.toISOString(), to: row.lastAt.toISOString() }))).toEqual([
        { who: 'Avery', doc: 'roadmap', changes: 2, from: at(52 + gap + 1).toISOString(), to: at(52 + gap + 2).toISOString() },
        { who: null, doc: 'feedback', changes: 1, from: at(60).toISOString(), to: at(60).toISOString() },
        { who: 'Avery', doc: 'roadmap', changes: 12, from: at(45).toISOString(), to: at(52).toISOString() },
        { who: 'Blake', doc: 'roadmap', changes: 4, from: at(46).toISOString(), to: at(50).toISOString() },
        { who: 'Avery', doc: 'feedback', changes: 1, from: at(49).toISOString(), to: at(49).toISOString() },
      ]);
      expect(edits.find((row) => row.userName === null)!.userId).toBeNull();
    });

    it('keeps a pause of exactly the limit within one group', async () => {
      const { id, doc } = await newWorkspace('Edge');
      const gap = EDIT_PAUSE_MS / MINUTE;
      await addUpdates(doc('roadmap'), userId, [0, gap, 2 * gap + 1]);
      expect((await wholeLog(id)).map((row) => row.count)).toEqual([1, 2]);
    });

    it('folds one person’s reads into visits listing what they opened, apart from what they did', async () => {
      const { id } = await newWorkspace('Visits');
      await addEvent(id, userId, 'workspace.view', 0);
      await addEvent(id, userId, 'doc.open', 0, 'roadmap');
      await addEvent(id, userId, 'terms.view', 10);
      await addEvent(id, userId, 'export', 12, 'md');
      await addEvent(id, userId, 'doc.open', 25, 'feedback');
      await addEvent(id, otherId, 'workspace.view', 20);
      // A new visit after a long pause.
      await addEvent(id, userId, 'workspace.view', 25 + VIEW_PAUSE_MS / MINUTE + 1);
      expect((await wholeLog(id)).map(brief)).toEqual([
        { kind: 'views', who: 'Avery', what: 'workspace.view', count: 1 },
        { kind: 'views', who: 'Avery', what: 'doc.open feedback, doc.open roadmap, terms.view, workspace.view', count: 4 },
        { kind: 'views', who: 'Blake', what: 'workspace.view', count: 1 },
        { kind: 'action', who: 'Avery', what: 'export', count: 1 },
      ]);
    });

    it('leaves out everything about a document the reader may not open', async () => {
      const { id, doc } = await newWorkspace('Drafts');
      await addEvent(id, otherId, 'doc.open', 0, 'drafts');
      await addEvent(id, otherId, 'version.create', 1, 'drafts');
      await addEvent(id, otherId, 'version.view', 1, 'drafts');
      await addUpdates(doc('drafts'), otherId, [2, 3]);
      await addUpdates(doc('drafts'), null, [4]);
      await addEvent(id, otherId, 'doc.open', 5, 'roadmap');
      const forTherapist = await wholeLog(id, ['drafts']);
      expect(forTherapist.map(brief)).toEqual([{ kind: 'views', who: 'Blake', what: 'doc.open roadmap', count: 1 }]);
      expect((await wholeLog(id)).map(brief)).toEqual([
        { kind: 'views', who: 'Blake', what: 'doc.open drafts, doc.open roadmap, version.view drafts', count: 3 },
        { kind: 'edits', who: null, what: 'drafts', count: 1 },
        { kind: 'edits', who: 'Blake', what: 'drafts', count: 2 },
        { kind: 'action', who: 'Blake', what: 'version.create', count: 1 },
      ]);
    });

    it('pages through every entry exactly once, in order, also when entries share an instant', async () => {
      const { id, doc } = await newWorkspace('Pages');
      for (let minute = 0; minute < 120; minute += 7) {
        await addEvent(id, minute % 2 ? userId : otherId, 'export', minute, 'json');
        await addEvent(id, userId, 'session.start', minute, String(minute));
        await addUpdates(doc(minute % 3 ? 'roadmap' : 'feedback'), minute % 2 ? userId : otherId, [minute, minute + 1]);
        if (minute % 35 === 0) await addEvent(id, otherId, 'terms.view', minute);
      }
      const all = await wholeLog(id);
      expect(all.length).toBeGreaterThan(40);
      for (const limit of [1, 3, 7]) {
        const seen: AccessLogRow[] = [];
        let before: { atMicros: number; id: string } | null = null;
        for (;;) {
          const page = await listAccessLog(handle.db, { workspaceId: id, hiddenDocs: [], before, limit });
          seen.push(...page);
          if (page.length < limit) break;
          const last = page.at(-1)!;
          before = { atMicros: last.atMicros, id: last.id };
        }
        expect(seen.map((row) => row.id)).toEqual(all.map((row) => row.id));
        expect(seen.map((row) => row.count)).toEqual(all.map((row) => row.count));
      }
      const updates = await handle.db.selectFrom('doc_updates as u').innerJoin('documents as d', 'd.id', 'u.document_id').select((eb) => eb.fn.countAll().as('n')).where('d.workspace_id', '=', id).where((eb) => eb.not(eb.and([eb('u.seq', '=', 1), eb('d.name', '=', 'roadmap')]))).executeTakeFirst();
      const events = await handle.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', id).executeTakeFirst();
      const counted = (kinds: string[]) => all.filter((row) => kinds.includes(row.kind)).reduce((sum, row) => sum + row.count, 0);
      expect(counted(['edits'])).toBe(Number(updates?.n));
      expect(counted(['action', 'views'])).toBe(Number(events?.n));
    });
  });
});
