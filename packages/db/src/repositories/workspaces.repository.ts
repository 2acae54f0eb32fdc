import type { Kysely } from 'kysely';
import type { Database, Workspace } from '../schema.js';

type Db = Kysely<Database>;
type Role = 'therapist' | 'client';

export interface InitialDoc {
  name: string;
  /** The document's first update (its seeded content), or null for an empty document. */
  initialUpdate: Uint8Array | null;
}

/**
 * Creates a workspace with its therapist and its documents in one transaction. Seeded content
 * is written once here, as the first logged update, so no room ever seeds a document.
 */
export async function createWorkspace(db: Db, input: { title: string; therapistId: string; docs: InitialDoc[] }): Promise<Workspace> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspaces')
      .values({ title: input.title, created_by: input.therapistId })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('memberships').values({ workspace_id: workspace.id, user_id: input.therapistId, role: 'therapist' }).execute();
    for (const doc of input.docs) {
      const row = await trx.insertInto('documents').values({ workspace_id: workspace.id, name: doc.name }).returning('id').executeTakeFirstOrThrow();
      if (doc.initialUpdate) {
        await trx.insertInto('doc_updates').values({ document_id: row.id, seq: 1, update: doc.initialUpdate, user_id: input.therapistId }).execute();
      }
    }
    return workspace;
  });
}

export interface WorkspaceForUser {
  id: string;
  title: string;
  role: Role;
  createdAt: Date;
  archivedAt: Date | null;
}

export async function listWorkspacesForUser(db: Db, userId: string): Promise<WorkspaceForUser[]> {
  return db
    .selectFrom('workspaces as w')
    .innerJoin('memberships as m', 'm.workspace_id', 'w.id')
    .select(['w.id', 'w.title', 'm.role', 'w.created_at as createdAt', 'w.archived_at as archivedAt'])
    .where('m.user_id', '=', userId)
    .orderBy('w.created_at', 'desc')
    .execute();
}

/** The workspace and the caller's role in it, or undefined when they are not a member. */
export async function findWorkspaceForMember(db: Db, workspaceId: string, userId: string): Promise<WorkspaceForUser | undefined> {
  return db
    .selectFrom('workspaces as w')
    .innerJoin('memberships as m', 'm.workspace_id', 'w.id')
    .select(['w.id', 'w.title', 'm.role', 'w.created_at as createdAt', 'w.archived_at as archivedAt'])
    .where('w.id', '=', workspaceId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

export interface MemberRow {
  userId: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export async function listMembers(db: Db, workspaceId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.name', 'm.role', 'm.created_at as joinedAt'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
}

export async function archiveWorkspace(db: Db, workspaceId: string, at = new Date()): Promise<void> {
  await db.updateTable('workspaces').set({ archived_at: at }).where('id', '=', workspaceId).where('archived_at', 'is', null).execute();
}

/** Which of `workspaceIds` are archived. */
export async function listArchivedAmong(db: Db, workspaceIds: readonly string[]): Promise<string[]> {
  if (workspaceIds.length === 0) return [];
  const rows = await db.selectFrom('workspaces').select('id').where('id', 'in', [...workspaceIds]).where('archived_at', 'is not', null).execute();
  return rows.map((row) => row.id);
}

/** How many workspaces a person has created (a quota counts them). */
export async function countWorkspacesCreatedBy(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('workspaces').select((eb) => eb.fn.countAll<number>().as('count')).where('created_by', '=', userId).executeTakeFirst();
  return Number(row?.count ?? 0);
}
