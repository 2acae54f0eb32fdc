import { CompiledQuery, sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database, DocCheckpoint, DocVersion } from '../schema.js';

type Db = Kysely<Database>;

export async function findDocument(db: Db, workspaceId: string, name: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('documents').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
}

export interface LoggedUpdate {
  seq: number;
  update: Uint8Array;
  /** The member who made it (or for whom the server made it); null for the server's own. */
  userId: string | null;
  /** Why the server made it, when it did. */
  serverReason?: string | null;
}

/** Appends many updates in one statement (group commit). Fails as a whole. */
export async function appendUpdates(db: Db, documentId: string, updates: LoggedUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await db
    .insertInto('doc_updates')
    .values(updates.map((u) => ({ document_id: documentId, seq: u.seq, update: u.update, user_id: u.userId, server_reason: u.serverReason ?? null })))
    .execute();
}

export interface UpdateBatch {
  documentId: string;
  updates: LoggedUpdate[];
}

/**
 * Appends the updates of several documents in one statement (group commit) and returns how many
 * rows it added. A (document, seq) that is already stored is skipped rather than failing the
 * whole statement: a write whose commit was never acknowledged (connection lost mid-flight) is
 * retried with the same rows, and the retry must not be refused for the half that landed.
 */
export async function appendUpdateBatches(db: Db, batches: UpdateBatch[]): Promise<number> {
  const rows = batches.flatMap((batch) => batch.updates.map((u) => ({ document_id: batch.documentId, seq: u.seq, update: u.update, user_id: u.userId })));
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('doc_updates')
    .values(rows)
    .onConflict((oc) => oc.columns(['document_id', 'seq']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? rows.length);
}

export async function listUpdatesAfter(db: Db, documentId: string, afterSeq: number, upToSeq?: number): Promise<LoggedUpdate[]> {
  let query = db
    .selectFrom('doc_updates')
    .select(['seq', 'update', 'user_id as userId', 'server_reason as serverReason'])
    .where('document_id', '=', documentId)
    .where('seq', '>', afterSeq);
  if (upToSeq !== undefined) query = query.where('seq', '<=', upToSeq);
  return query.orderBy('seq').execute();
}

export async function lastSeq(db: Db, documentId: string): Promise<number> {
  const row = await db.selectFrom('doc_updates').select((eb) => eb.fn.max('seq').as('max')).where('document_id', '=', documentId).executeTakeFirst();
  return row?.max == null ? 0 : Number(row.max);
}

export async function insertCheckpoint(
  db: Db,
  input: { documentId: string; upToSeq: number; state: Uint8Array; kind: DocCheckpoint['kind']; label?: string | null; createdBy?: string | null },
): Promise<DocCheckpoint> {
  return db
    .insertInto('doc_checkpoints')
    .values({
      document_id: input.documentId,
      up_to_seq: input.upToSeq,
      state: input.state,
      kind: input.kind,
      label: input.label ?? null,
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A version to save with a checkpoint, at its seq. */
export interface NewVersion {
  kind: DocVersion['kind'];
  label: string | null;
  createdBy: string | null;
}

/**
 * Inserts an exact checkpoint (its state holds the log up to `upToSeq`, nothing more) if the
 * writer still holds the document's lease — a process that lost it must not save a state the
 * new holder never saw — and, in the same statement, the version it stands for, if any.
 * Returns undefined when the lease no longer holds.
 */
export async function insertFencedCheckpoint(
  db: Db,
  input: { documentId: string; upToSeq: number; state: Uint8Array; lease: LeaseClaim; version?: NewVersion | null },
): Promise<{ checkpoint: Omit<DocCheckpoint, 'state'>; version: DocVersion | null } | undefined> {
  const version = input.version ?? null;
  const result = await sql<Omit<DocCheckpoint, 'state'> & { version_id: string | null }>`
    with checkpoint as (
      insert into doc_checkpoints (document_id, up_to_seq, state, kind, exact)
      select ${input.documentId}::uuid, ${input.upToSeq}::bigint, ${input.state}::bytea, 'auto', true
      where exists (
        select 1 from doc_leases
        where document_id = ${input.documentId}::uuid and owner = ${input.lease.owner} and token = ${input.lease.token}::bigint
      )
      returning id, document_id, up_to_seq, kind, label, created_by, created_at, exact
    ), version as (
      insert into doc_versions (document_id, seq, kind, label, created_by)
      select document_id, up_to_seq, ${version?.kind ?? 'periodic'}::text, ${version?.label ?? null}::text, ${version?.createdBy ?? null}::uuid
      from checkpoint where ${version !== null}::boolean
      returning id
    )
    select checkpoint.*, (select id from version) as version_id from checkpoint
  `.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const { version_id: versionId, ...checkpoint } = row;
  return { checkpoint, version: versionId ? ((await findVersion(db, input.documentId, versionId)) ?? null) : null };
}

/** The latest checkpoint whose state holds exactly the log up to a seq at or before `seq`. */
export async function exactCheckpointAtOrBefore(db: Db, documentId: string, seq: number): Promise<DocCheckpoint | undefined> {
  return db
    .selectFrom('doc_checkpoints')
    .selectAll()
    .where('document_id', '=', documentId)
    .where('exact', '=', true)
    .where('up_to_seq', '<=', seq)
    .orderBy('up_to_seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function latestCheckpoint(db: Db, documentId: string): Promise<DocCheckpoint | undefined> {
  return db
    .selectFrom('doc_checkpoints')
    .selectAll()
    .where('document_id', '=', documentId)
    .orderBy('up_to_seq', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The checkpoints of a document (internal: what loading starts from), without their states. */
export async function listCheckpoints(db: Db, documentId: string): Promise<Omit<DocCheckpoint, 'state'>[]> {
  return db
    .selectFrom('doc_checkpoints')
    .select(['id', 'document_id', 'up_to_seq', 'label', 'kind', 'created_by', 'created_at', 'exact'])
    .where('document_id', '=', documentId)
    .orderBy('up_to_seq', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** Checkpoints kept per this many seqs of a document's log, so any state is a short replay away. */
export const CHECKPOINT_SPACING = 1_000;

/**
 * Thins checkpoints: per document, the latest one (what loading starts from) and, for each
 * stretch of CHECKPOINT_SPACING seqs, its latest exact one (what the state at a seq starts from)
 * stay; the others go. Versions do not depend on them: each is the log replayed to its seq.
 * Returns how many were deleted.
 */
export async function thinCheckpoints(db: Db): Promise<number> {
  const result = await sql`
    delete from doc_checkpoints c using (
      select id from (
        select id, exact,
          row_number() over (partition by document_id order by up_to_seq desc, created_at desc) as newest,
          row_number() over (partition by document_id, exact, up_to_seq / ${CHECKPOINT_SPACING} order by up_to_seq desc, created_at desc) as in_stretch
        from doc_checkpoints
      ) ranked
      where newest > 1 and (not exact or in_stretch > 1)
    ) doomed
    where c.id = doomed.id
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

// ---- versions: points of the log people see ----

export async function listVersions(db: Db, documentId: string): Promise<DocVersion[]> {
  return db.selectFrom('doc_versions').selectAll().where('document_id', '=', documentId).orderBy('created_at', 'desc').orderBy('seq', 'desc').execute();
}

export async function findVersion(db: Db, documentId: string, id: string): Promise<DocVersion | undefined> {
  return db.selectFrom('doc_versions').selectAll().where('document_id', '=', documentId).where('id', '=', id).executeTakeFirst();
}

/** One logged update as history lists it: where, when and by whom (never its content). */
export interface LoggedChange {
  seq: number;
  createdAt: Date;
  userId: string | null;
  serverReason: string | null;
}

/** The logged updates after `afterSeq`, oldest first, at most `limit`. */
export async function listChanges(db: Db, documentId: string, afterSeq: number, limit: number): Promise<LoggedChange[]> {
  return db
    .selectFrom('doc_updates')
    .select(['seq', 'created_at as createdAt', 'user_id as userId', 'server_reason as serverReason'])
    .where('document_id', '=', documentId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** A logged update with who sent it and when: what attributing the changes between two points reads. */
export interface LoggedEditRow extends LoggedChange {
  update: Uint8Array;
}

/** The logged updates after `afterSeq` up to `upToSeq`, oldest first, with their content, author and time. */
export async function listEditsBetween(db: Db, documentId: string, afterSeq: number, upToSeq: number): Promise<LoggedEditRow[]> {
  return db
    .selectFrom('doc_updates')
    .select(['seq', 'update', 'created_at as createdAt', 'user_id as userId', 'server_reason as serverReason'])
    .where('document_id', '=', documentId)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', upToSeq)
    .orderBy('seq')
    .execute();
}

// ---- the fenced update log ----

/** The lease a process holds on a document: its writes count only while it still holds it. */
export interface LeaseClaim {
  owner: string;
  token: number;
}

/** A Yjs client id first used in a document, and whose it is (null: the server's). */
export interface ClientClaim {
  clientId: number;
  userId: string | null;
}

export interface FencedBatch {
  documentId: string;
  lease: LeaseClaim;
  updates: LoggedUpdate[];
  /** Client ids these updates are the first to use, stored with them. */
  claims: ClientClaim[];
}

export interface FencedAppendResult {
  /** Rows added (a row already present, from a retried write whose commit went unconfirmed, is not). */
  added: number;
  /** Documents whose lease the writer no longer holds: nothing of theirs was written. */
  fencedOut: string[];
}

/**
 * The group commit's one statement, whatever a batch holds: arrays, one per column, and every
 * update's bytes in one `bytea` cut by offset and length (an array of `bytea` would travel as
 * escaped text). One text means Postgres can keep its plan (see appendFencedUpdates).
 */
const APPEND_FENCED_SQL = `
  with fence as (
    select l.document_id from doc_leases l
    join unnest($1::uuid[], $2::text[], $3::bigint[]) as f(document_id, owner, token)
      on l.document_id = f.document_id and l.owner = f.owner and l.token = f.token
    order by l.document_id
    for share of l
  ), claimed as (
    insert into doc_clients (document_id, client_id, user_id)
    select c.document_id, c.client_id, c.user_id from unnest($4::uuid[], $5::bigint[], $6::uuid[]) as c(document_id, client_id, user_id)
    where c.document_id in (select document_id from fence)
    on conflict do nothing
  ), added as (
    insert into doc_updates (document_id, seq, update, user_id, server_reason)
    select u.document_id, u.seq, substring($7::bytea from u.start for u.length), u.user_id, u.server_reason
    from unnest($8::uuid[], $9::bigint[], $10::uuid[], $11::text[], $12::int[], $13::int[]) as u(document_id, seq, user_id, server_reason, start, length)
    where u.document_id in (select document_id from fence)
    on conflict (document_id, seq) do nothing
    returning 1
  )
  select (select count(*) from added) as added, (select string_agg(document_id::text, ',') from fence) as fenced`;

/** The name the group commit is prepared under, on each pooled Postgres connection. */
const APPEND_FENCED_STATEMENT = 'alliance_append_fenced_updates_v1';

/** The group commit's parameters, in APPEND_FENCED_SQL's order. */
function appendFencedParameters(batches: FencedBatch[]): unknown[] {
  const leases: [string[], string[], number[]] = [[], [], []];
  const claims: [string[], number[], (string | null)[]] = [[], [], []];
  const rows: [string[], number[], (string | null)[], (string | null)[], number[], number[]] = [[], [], [], [], [], []];
  const parts: Uint8Array[] = [];
  let offset = 1; // substring counts from 1
  for (const batch of batches) {
    leases[0].push(batch.documentId);
    leases[1].push(batch.lease.owner);
    leases[2].push(batch.lease.token);
    for (const claim of batch.claims) {
      claims[0].push(batch.documentId);
      claims[1].push(claim.clientId);
      claims[2].push(claim.userId);
    }
    for (const update of batch.updates) {
      rows[0].push(batch.documentId);
      rows[1].push(update.seq);
      rows[2].push(update.userId);
      rows[3].push(update.serverReason ?? null);
      rows[4].push(offset);
      rows[5].push(update.update.byteLength);
      parts.push(update.update);
      offset += update.update.byteLength;
    }
  }
  return [...leases, ...claims, Buffer.concat(parts), ...rows];
}

/**
 * Appends the updates (and client-id claims) of several documents in one statement — group
 * commit — but only for documents whose lease the writer still holds. The lease rows are locked
 * for share while the statement runs (in document order, like every statement that locks several),
 * so a process taking a document over waits for the write to commit and then loads it with these
 * rows; a write after a takeover adds nothing.
 *
 * A (document, seq) already stored is skipped: a write whose commit was never acknowledged
 * (connection lost mid-flight) is retried with the same rows. Under a held lease nobody else can
 * have written that seq, so skipped rows are the writer's own.
 *
 * With `prepared` (the Postgres pool behind `db`), the statement runs prepared on each connection:
 * planned once there instead of at every commit, which on Postgres halves the database's CPU time
 * per commit and shortens the commit itself. (Behind a connection pooler, it must keep prepared
 * statements per server connection, as PgBouncer does from 1.21 in transaction mode.)
 */
export async function appendFencedUpdates(db: Db, batches: FencedBatch[], prepared?: pg.Pool | null): Promise<FencedAppendResult> {
  const live = batches.filter((batch) => batch.updates.length > 0 || batch.claims.length > 0);
  if (live.length === 0) return { added: 0, fencedOut: [] };
  const parameters = appendFencedParameters(live);
  const row = prepared
    ? (await prepared.query<{ added: number | string; fenced: string | null }>({ name: APPEND_FENCED_STATEMENT, text: APPEND_FENCED_SQL, values: parameters })).rows[0]
    : (await db.executeQuery<{ added: number | string; fenced: string | null }>(CompiledQuery.raw(APPEND_FENCED_SQL, parameters))).rows[0];
  const fenced = new Set(row?.fenced ? row.fenced.split(',') : []);
  return { added: Number(row?.added ?? 0), fencedOut: live.map((batch) => batch.documentId).filter((id) => !fenced.has(id)) };
}

/** Every Yjs client id of a document, with whose it is. */
export async function listDocClients(db: Db, documentId: string): Promise<ClientClaim[]> {
  return db.selectFrom('doc_clients').select(['client_id as clientId', 'user_id as userId']).where('document_id', '=', documentId).execute();
}

/** Records client ids (those already recorded keep their owner). */
export async function insertDocClients(db: Db, documentId: string, claims: ClientClaim[]): Promise<void> {
  if (claims.length === 0) return;
  await db
    .insertInto('doc_clients')
    .values(claims.map((claim) => ({ document_id: documentId, client_id: claim.clientId, user_id: claim.userId })))
    .onConflict((oc) => oc.columns(['document_id', 'client_id']).doNothing())
    .execute();
}

// ---- leases: one writing process per document ----

/** What asking for a lease gave: the new token, or who holds it (null: nobody this statement could see). */
export type LeaseTake = { token: number } | { heldBy: LeaseClaim | null };

/**
 * Takes the document's lease for `owner` for `ttlMs`, when it is free, expired or already
 * `owner`'s; every take moves the token on. Otherwise says who holds it, in the same round
 * trip (a process that does not get the lease follows the holder). Times are the database's,
 * so processes' clocks do not matter.
 *
 * The holder is read from the statement's snapshot: a lease first taken by another process
 * while this statement ran is not seen (`heldBy: null`), though it was not taken here either.
 */
export async function acquireLease(db: Db, documentId: string, owner: string, ttlMs: number): Promise<LeaseTake> {
  const result = await sql<{ owner: string; token: number | string; taken: boolean }>`
    with taken as (
      insert into doc_leases (document_id, owner, token, expires_at)
      values (${documentId}::uuid, ${owner}, 1, now() + ${ttlMs} * interval '1 millisecond')
      on conflict (document_id) do update
        set owner = excluded.owner, token = doc_leases.token + 1, expires_at = excluded.expires_at
        where doc_leases.owner = excluded.owner or doc_leases.expires_at < now()
      returning owner, token
    )
    select owner, token, true as taken from taken
    union all
    select owner, token, false as taken from doc_leases
    where document_id = ${documentId}::uuid and expires_at > now() and not exists (select 1 from taken)
  `.execute(db);
  const row = result.rows[0];
  if (row?.taken) return { token: Number(row.token) };
  return { heldBy: row ? { owner: row.owner, token: Number(row.token) } : null };
}

/** Who holds a document's lease now (a live one), or undefined when nobody does. */
export async function leaseHolder(db: Db, documentId: string): Promise<LeaseClaim | undefined> {
  const result = await sql<{ owner: string; token: number | string }>`
    select owner, token from doc_leases where document_id = ${documentId}::uuid and expires_at > now()
  `.execute(db);
  const row = result.rows[0];
  return row ? { owner: row.owner, token: Number(row.token) } : undefined;
}

/** For documents another process writes: who holds each lease now (null: nobody) and the last logged seq. */
export async function followedDocuments(db: Db, documentIds: string[]): Promise<Map<string, { holder: LeaseClaim | null; lastSeq: number }>> {
  const found = new Map<string, { holder: LeaseClaim | null; lastSeq: number }>();
  if (documentIds.length === 0) return found;
  const result = await sql<{ id: string; owner: string | null; token: number | string | null; last_seq: number | string | null }>`
    select d.id, l.owner, l.token,
      (select max(u.seq) from doc_updates u where u.document_id = d.id) as last_seq
    from documents d
    left join doc_leases l on l.document_id = d.id and l.expires_at > now()
    where d.id = any(${documentIds}::uuid[])
  `.execute(db);
  for (const row of result.rows) {
    found.set(row.id, {
      holder: row.owner !== null && row.token !== null ? { owner: row.owner, token: Number(row.token) } : null,
      lastSeq: row.last_seq === null ? 0 : Number(row.last_seq),
    });
  }
  return found;
}

/** Extends the leases `owner` still holds; returns the documents whose lease it kept. */
export async function renewLeases(db: Db, owner: string, leases: { documentId: string; token: number }[], ttlMs: number): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const held = leases.map((lease) => sql`(${lease.documentId}::uuid, ${lease.token}::bigint)`);
  // Locked in document order first, as a group commit locks them (`appendFencedUpdates`): taken
  // in whatever order the plan visits them, the two could each hold a row the other waits for.
  const result = await sql<{ document_id: string }>`
    with renewing as (
      select l.document_id from doc_leases l
      join (values ${sql.join(held)}) as h(document_id, token) on l.document_id = h.document_id and l.token = h.token
      where l.owner = ${owner}
      order by l.document_id
      for update of l
    )
    update doc_leases l set expires_at = now() + ${ttlMs} * interval '1 millisecond'
    from renewing r
    where l.document_id = r.document_id
    returning l.document_id
  `.execute(db);
  return new Set(result.rows.map((row) => row.document_id));
}

/**
 * Gives a lease up (when its document unloads), if `owner` still holds it with `token`. The row
 * stays, expired, so the next holder's token is still a new one.
 */
export async function releaseLease(db: Db, documentId: string, owner: string, token: number): Promise<void> {
  await sql`update doc_leases set expires_at = now() - interval '1 millisecond' where document_id = ${documentId}::uuid and owner = ${owner} and token = ${token}::bigint`.execute(db);
}

/**
 * Expires every lease. Only for a database that one process has to itself (PGlite): whatever
 * holds a lease there is an earlier run of this process, which is gone.
 */
export async function expireAllLeases(db: Db): Promise<void> {
  await sql`update doc_leases set expires_at = now() - interval '1 millisecond' where expires_at > now()`.execute(db);
}
