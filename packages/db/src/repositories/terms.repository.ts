import type { Kysely } from 'kysely';
import type { Database, WorkspaceTerms } from '../schema.js';

type Db = Kysely<Database>;
type Role = 'therapist' | 'client';
type DecisionPreference = 'client' | 'together' | 'therapist';

export interface TermsState {
  terms: WorkspaceTerms | undefined;
  /** The latest version each member acknowledged, by role. */
  acknowledgements: Partial<Record<Role, { version: number; at: Date }>>;
  decisionPreference: DecisionPreference | null;
  decisionPreferenceAt: Date | null;
}

export async function getTermsState(db: Db, workspaceId: string): Promise<TermsState> {
  const [terms, acknowledgements, workspace] = await Promise.all([
    db.selectFrom('workspace_terms').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst(),
    db
      .selectFrom('terms_acknowledgements as a')
      .innerJoin('memberships as m', (join) => join.onRef('m.workspace_id', '=', 'a.workspace_id').onRef('m.user_id', '=', 'a.user_id'))
      .select(['m.role', 'a.version', 'a.acknowledged_at'])
      .where('a.workspace_id', '=', workspaceId)
      .orderBy('a.version', 'desc')
      .execute(),
    db.selectFrom('workspaces').select(['decision_preference', 'decision_preference_at']).where('id', '=', workspaceId).executeTakeFirst(),
  ]);
  const latest: TermsState['acknowledgements'] = {};
  for (const row of acknowledgements) latest[row.role] ??= { version: row.version, at: row.acknowledged_at };
  return {
    terms,
    acknowledgements: latest,
    decisionPreference: workspace?.decision_preference ?? null,
    decisionPreferenceAt: workspace?.decision_preference_at ?? null,
  };
}

/** Writes the starting terms (version 1) unless the workspace already has terms; returns the current ones. */
export async function ensureTerms(db: Db, input: { workspaceId: string; body: string; userId: string | null }): Promise<WorkspaceTerms> {
  const inserted = await db
    .insertInto('workspace_terms')
    .values({ workspace_id: input.workspaceId, body: input.body, version: 1, updated_by: input.userId })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) await keepVersion(db, inserted);
  return db.selectFrom('workspace_terms').selectAll().where('workspace_id', '=', input.workspaceId).executeTakeFirstOrThrow();
}

/** Saves new terms as the next version (1 for the first), keeping the text of every version. */
export async function saveTerms(db: Db, input: { workspaceId: string; body: string; userId: string }): Promise<WorkspaceTerms> {
  return db.transaction().execute(async (trx) => {
    const saved = await trx
      .insertInto('workspace_terms')
      .values({ workspace_id: input.workspaceId, body: input.body, version: 1, updated_by: input.userId })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet((eb) => ({
          body: input.body,
          version: eb('workspace_terms.version', '+', 1),
          updated_by: input.userId,
          updated_at: new Date(),
        })),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    await keepVersion(trx, saved);
    return saved;
  });
}

async function keepVersion(db: Db, terms: WorkspaceTerms): Promise<void> {
  await db
    .insertInto('terms_versions')
    .values({ workspace_id: terms.workspace_id, version: terms.version, body: terms.body, created_by: terms.updated_by, created_at: terms.updated_at })
    .onConflict((oc) => oc.columns(['workspace_id', 'version']).doNothing())
    .execute();
}

/** The text of one version of the terms, if it was kept (versions saved before they were kept are not). */
export async function getTermsVersion(db: Db, workspaceId: string, version: number): Promise<{ version: number; body: string; createdAt: Date } | undefined> {
  const row = await db.selectFrom('terms_versions').select(['version', 'body', 'created_at']).where('workspace_id', '=', workspaceId).where('version', '=', version).executeTakeFirst();
  return row && { version: row.version, body: row.body, createdAt: row.created_at };
}

/** Records that a member read and accepted a version of the terms (idempotent). */
export async function acknowledgeTerms(db: Db, input: { workspaceId: string; userId: string; version: number }): Promise<void> {
  await db
    .insertInto('terms_acknowledgements')
    .values({ workspace_id: input.workspaceId, user_id: input.userId, version: input.version })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'version']).doNothing())
    .execute();
}

export async function setDecisionPreference(db: Db, workspaceId: string, preference: DecisionPreference, at = new Date()): Promise<void> {
  await db.updateTable('workspaces').set({ decision_preference: preference, decision_preference_at: at }).where('id', '=', workspaceId).execute();
}
