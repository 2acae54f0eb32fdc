import type { Kysely } from 'kysely';
import type { AuditEvent, Database } from '../schema.js';

type Db = Kysely<Database>;

/** What is recorded: who did what to which part of a workspace; never any content. */
export interface AuditInput {
  workspaceId: string | null;
  userId: string | null;
  action: string;
  target?: string | null;
}

export async function recordAudit(db: Db, event: AuditInput): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ workspace_id: event.workspaceId, user_id: event.userId, action: event.action, target: event.target ?? null })
    .execute();
}

export async function listAudit(db: Db, workspaceId: string, limit = 200): Promise<(AuditEvent & { userName: string | null })[]> {
  return db
    .selectFrom('audit_events as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .selectAll('a')
    .select('u.name as userName')
    .where('a.workspace_id', '=', workspaceId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.seq', 'desc')
    .limit(limit)
    .execute();
}
