import { DOC_AUDIT_ACTIONS, EDIT_PAUSE_MS, VIEW_ACTIONS, VIEW_PAUSE_MS, type AccessCursor, type ReadKind, type ViewAction } from '@alliance/shared';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuditEvent, Database } from '../schema.js';

type Db = Kysely<Database>;

/** What is recorded: who did what to which part of a workspace; never any content. */
export interface AuditInput {
  workspaceId: string | null;
  userId: string | null;
  action: string;
  target?: string | null;
}

/** Records something a person did (an export, a change of How we work, …): one row each time. */
export async function recordAudit(db: Db, event: AuditInput): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ workspace_id: event.workspaceId, user_id: event.userId, action: event.action, target: event.target ?? null })
    .execute();
}

export interface ViewInput {
  workspaceId: string;
  userId: string;
  action: ViewAction;
  target?: string | null;
  /** `refresh`: the app says it refreshed what was already on screen (it cannot be trusted). */
  read: ReadKind;
}

/**
 * How long a refresh the app announces is taken as part of the person's last look at the same
 * thing. After that it is written down as a look of its own: a page left open is still seen.
 */
export const REFRESH_FOLD_MS = 12 * 60 * 60_000;

const interval = (ms: number): RawBuilder<unknown> => sql.raw(`interval '${Math.round(ms)} milliseconds'`);

/**
 * Records that a person read something, once per look: reading the same thing again within
 * `VIEW_PAUSE_MS` of the last time is folded into that row (its `last_at` moves on), and a
 * refresh the app announces is folded into a look within `REFRESH_FOLD_MS` without moving it.
 * Whatever the app says, a read with no recent look at the same thing is always written:
 * nobody can hide that they opened something.
 */
export async function recordView(db: Db, view: ViewInput): Promise<void> {
  const target = view.target ?? null;
  const foldWithin = view.read === 'refresh' ? REFRESH_FOLD_MS : VIEW_PAUSE_MS;
  const recent = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('workspace_id', '=', view.workspaceId)
    .where('user_id', '=', view.userId)
    .where('action', '=', view.action)
    .where((eb) => (target === null ? eb('target', 'is', null) : eb('target', '=', target)))
    .where(sql<boolean>`coalesce(last_at, created_at) >= now() - ${interval(foldWithin)}`)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!recent) {
    await db.insertInto('audit_events').values({ workspace_id: view.workspaceId, user_id: view.userId, action: view.action, target }).execute();
    return;
  }
  if (view.read === 'open') {
    await db.updateTable('audit_events').set({ last_at: sql`now()` }).where('seq', '=', recent.seq).execute();
  }
}

export interface ListAuditOptions {
  limit?: number;
  /** Documents the reader may not open: nothing done to them is listed. */
  hiddenDocs?: readonly string[];
}

const inList = (column: string, values: readonly string[]): RawBuilder<boolean> =>
  values.length === 0 ? sql<boolean>`false` : sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`;

/** Rows about a document the reader may not open (e.g. the therapist and the client's drafts). */
const aboutHiddenDoc = (hiddenDocs: readonly string[], alias = 'a'): RawBuilder<boolean> =>
  sql<boolean>`(${inList(`${alias}.action`, DOC_AUDIT_ACTIONS)} and ${inList(`${alias}.target`, hiddenDocs)})`;

/** The latest recorded events of a workspace, one by one, newest first (the log's first form). */
export async function listAudit(db: Db, workspaceId: string, options: ListAuditOptions = {}): Promise<(AuditEvent & { userName: string | null })[]> {
  return db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select('u.name as userName')
    .where('a.workspace_id', '=', workspaceId)
    .where(sql<boolean>`not ${aboutHiddenDoc(options.hiddenDocs ?? [])}`)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.seq', 'desc')
    .limit(options.limit ?? 200)
    .execute();
}

/** One entry of the access log as the database groups it (see {@link listAccessLog}). */
export interface AccessLogRow {
  kind: 'action' | 'views' | 'edits';
  id: string;
  userId: string | null;
  userName: string | null;
  /** An action entry's action and target. */
  action: string | null;
  target: string | null;
  /** An edits entry's document. */
  doc: string | null;
  /** A views entry's reads, `action target` each. */
  views: { action: string; target: string | null }[];
  /** Rows the entry stands for: 1 for an action, changes for edits, looks for views. */
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** `lastAt` in microseconds (exact, unlike a Date), for the page cursor. */
  atMicros: number;
}

export interface AccessLogQuery {
  workspaceId: string;
  /** Documents the reader may not open: neither their opening nor their edits are listed. */
  hiddenDocs: readonly string[];
  /** Only entries after this one in the log's order (older ones). */
  before?: AccessCursor | null;
  limit: number;
}

interface RawEntry {
  kind: AccessLogRow['kind'];
  id: string;
  user_id: string | null;
  user_name: string | null;
  action: string | null;
  target: string | null;
  doc: string | null;
  views: string | null;
  count: number;
  first_at: Date;
  last_at: Date;
  at_us: number | string;
}

/**
 * A page of a workspace's access log, newest first, ordered by when each entry last happened
 * (ties by id). Three kinds of entry, so that reads never push the rest out of sight:
 * - every action on its own (export, How we work, invites, sessions, saved versions…);
 * - one person's reads folded into visits: a new visit after `VIEW_PAUSE_MS` without one;
 * - one person's edits of one document, from the update log (who sent each update is the
 *   server's record), grouped until a pause of `EDIT_PAUSE_MS`; the server's own changes are
 *   grouped the same way under no one.
 * Groups are islands in time: whether a row starts one depends only on the rows before it, so
 * later rows never regroup earlier ones and paging by cursor lists every row exactly once.
 */
export async function listAccessLog(db: Db, query: AccessLogQuery): Promise<AccessLogRow[]> {
  const { workspaceId, hiddenDocs, before, limit } = query;
  const viewActions = sql.join(VIEW_ACTIONS);
  const hiddenDoc = aboutHiddenDoc(hiddenDocs);
  // Islands of older pages are decided by rows up to one pause after the cursor: bound the
  // update-log scan there (the first page reads it all).
  const updatesBound = before ? sql`and u.created_at < to_timestamp(${before.atMicros}::float8 / 1000000) + ${interval(EDIT_PAUSE_MS)}` : sql``;
  const afterCursor = before
    ? sql`where e.at_us < ${before.atMicros}::bigint or (e.at_us = ${before.atMicros}::bigint and e.id collate "C" < ${before.id})`
    : sql``;

  const { rows } = await sql<RawEntry>`
    with views as (
      select a.seq, a.user_id, a.action, a.target, a.created_at, coalesce(a.last_at, a.created_at) as until
      from audit_events a
      where a.workspace_id = ${workspaceId} and a.action in (${viewActions}) and not ${hiddenDoc}
    ),
    view_starts as (
      select v.*,
        case when max(v.until) over (partition by v.user_id order by v.created_at, v.seq rows between unbounded preceding and 1 preceding)
          >= v.created_at - ${interval(VIEW_PAUSE_MS)} then 0 else 1 end as starts
      from views v
    ),
    view_visits as (
      select s.*, sum(s.starts) over (partition by s.user_id order by s.created_at, s.seq rows unbounded preceding) as visit
      from view_starts s
    ),
    -- Updates are first counted per stretch of one pause: two updates in one stretch are less
    -- than a pause apart, so a group never splits inside one, and grouping the stretches gives
    -- exactly the groups of the updates at a fraction of the work.
    update_stretches as (
      select u.document_id, u.user_id, floor(extract(epoch from u.created_at) / ${EDIT_PAUSE_MS / 1000})::bigint as stretch,
        min(u.created_at) as first_at, max(u.created_at) as last_at, count(*) as changes, min(u.seq) as first_seq
      from doc_updates u
      join documents d on d.id = u.document_id
      where d.workspace_id = ${workspaceId} and not ${inList('d.name', hiddenDocs)}
        -- The seeded content written with the document itself is part of creating the workspace.
        and not (u.seq = 1 and u.created_at = d.created_at)
        ${updatesBound}
      group by u.document_id, u.user_id, stretch
    ),
    update_starts as (
      select m.*,
        case when lag(m.last_at) over (partition by m.document_id, m.user_id order by m.stretch)
          >= m.first_at - ${interval(EDIT_PAUSE_MS)} then 0 else 1 end as starts
      from update_stretches m
    ),
    update_groups as (
      select s.*, sum(s.starts) over (partition by s.document_id, s.user_id order by s.stretch rows unbounded preceding) as grp
      from update_starts s
    ),
    entries as (
      select 'action'::text as kind, 'a-' || a.seq as id, a.user_id, a.action, a.target, null::text as doc, null::text as views,
        1 as count, a.created_at as first_at, a.created_at as last_at
      from audit_events a
      where a.workspace_id = ${workspaceId} and a.action not in (${viewActions}) and not ${hiddenDoc}
      union all
      select 'views', 'v-' || min(seq), user_id, null, null, null, string_agg(distinct action || ' ' || coalesce(target, ''), ','),
        count(*)::int, min(created_at), max(until)
      from view_visits
      group by user_id, visit
      union all
      select 'edits', 'e-' || g.document_id || '-' || min(g.first_seq), g.user_id, null, null, min(d.name), null,
        sum(g.changes)::int, min(g.first_at), max(g.last_at)
      from update_groups g
      join documents d on d.id = g.document_id
      group by g.document_id, g.user_id, g.grp
    ),
    ordered as (
      select entries.*, (extract(epoch from entries.last_at) * 1000000)::bigint as at_us from entries
    )
    select e.kind, e.id, e.user_id, usr.name as user_name, e.action, e.target, e.doc, e.views, e.count, e.first_at, e.last_at, e.at_us
    from ordered e
    left join users usr on usr.id = e.user_id
    ${afterCursor}
    order by e.at_us desc, e.id collate "C" desc
    limit ${limit}
  `.execute(db);

  return rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    action: row.action,
    target: row.target,
    doc: row.doc,
    views: row.views
      ? row.views.split(',').map((item) => {
          const [action = '', target = ''] = item.split(' ');
          return { action, target: target === '' ? null : target };
        })
      : [],
    count: Number(row.count),
    firstAt: row.first_at,
    lastAt: row.last_at,
    atMicros: Number(row.at_us),
  }));
}
