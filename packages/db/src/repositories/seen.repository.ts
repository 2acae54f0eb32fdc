import { sql, type Kysely } from 'kysely';
import type { SeenArea } from '@alliance/shared';
import type { Database } from '../schema.js';

type Db = Kysely<Database>;

/** When the member last looked at each area of the workspace (an area never looked at is missing). */
export async function listSeen(db: Db, workspaceId: string, userId: string): Promise<Partial<Record<SeenArea, Date>>> {
  const rows = await db.selectFrom('workspace_seen').select(['area', 'seen_at']).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
  return Object.fromEntries(rows.map((row) => [row.area, row.seen_at]));
}

/** Records a look at an area now (a look never moves the time back); returns the time kept. */
export async function markSeen(db: Db, input: { workspaceId: string; userId: string; area: SeenArea; at?: Date }): Promise<Date> {
  const at = input.at ?? new Date();
  const row = await db
    .insertInto('workspace_seen')
    .values({ workspace_id: input.workspaceId, user_id: input.userId, area: input.area, seen_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'area']).doUpdateSet({ seen_at: sql`greatest(workspace_seen.seen_at, excluded.seen_at)` }))
    .returning('seen_at')
    .executeTakeFirstOrThrow();
  return row.seen_at;
}

/** What the workspace list says about one workspace beside its title: a session on now, and what changed since the member looked. */
export interface WorkspaceNewsRow {
  workspaceId: string;
  inSession: boolean;
  /** The last change to the board by the other member (for the therapist, also the server's sharing of the client's drafts). */
  boardChangedAt: Date | null;
  boardSeenAt: Date | null;
  /** The therapist's: the last time a check-in they may see was answered, changed or became theirs to see. Null for the client. */
  checkinsChangedAt: Date | null;
  checkinsSeenAt: Date | null;
}

/**
 * The news of every workspace of a member, in one query: a few index lookups per workspace (the
 * open session, the latest logged update by the other member, the check-ins), no document read.
 */
export async function listWorkspaceNews(db: Db, userId: string): Promise<WorkspaceNewsRow[]> {
  const { rows } = await sql<WorkspaceNewsRow>`
    select
      m.workspace_id as "workspaceId",
      exists (select 1 from therapy_sessions s where s.workspace_id = m.workspace_id and s.ended_at is null) as "inSession",
      greatest(
        (select u.created_at from doc_updates u
          where u.document_id = f.id
            and u.user_id = (select o.user_id from memberships o where o.workspace_id = m.workspace_id and o.user_id <> m.user_id limit 1)
          order by u.seq desc limit 1),
        case when m.role = 'therapist' then
          (select u.created_at from doc_updates u where u.document_id = f.id and u.user_id is null order by u.seq desc limit 1)
        end
      ) as "boardChangedAt",
      (select seen_at from workspace_seen w where w.workspace_id = m.workspace_id and w.user_id = m.user_id and w.area = 'board') as "boardSeenAt",
      case when m.role = 'therapist' then
        (select max(case when c.visibility = 'next_session' then greatest(c.updated_at, n.started_at) else c.updated_at end)
          from checkins c
          join therapy_sessions s on s.id = c.session_id
          left join therapy_sessions n on n.workspace_id = s.workspace_id and n.number = s.number + 1
          where c.workspace_id = m.workspace_id and (c.visibility <> 'next_session' or n.started_at is not null))
      end as "checkinsChangedAt",
      (select seen_at from workspace_seen w where w.workspace_id = m.workspace_id and w.user_id = m.user_id and w.area = 'checkins') as "checkinsSeenAt"
    from memberships m
    left join documents f on f.workspace_id = m.workspace_id and f.name = 'feedback'
    where m.user_id = ${userId}
  `.execute(db);
  return rows;
}
