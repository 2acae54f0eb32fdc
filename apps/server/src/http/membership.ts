import { findWorkspaceForMember, type Database, type WorkspaceForUser } from '@alliance/db';
import type { Kysely } from 'kysely';
import { notFound } from './errors.js';

/**
 * The workspace and the caller's role in it. Non-members get the same 404 as for a workspace
 * that does not exist, so nobody learns which workspaces exist.
 */
export async function requireMembership(db: Kysely<Database>, workspaceId: string, userId: string): Promise<WorkspaceForUser> {
  const workspace = await findWorkspaceForMember(db, workspaceId, userId);
  if (!workspace) throw notFound('No such workspace.');
  return workspace;
}
