import { findDocument, findWorkspaceForMember, type Database } from '@alliance/db';
import { canOpenDoc, isDocName } from '@alliance/shared';
import type { Kysely } from 'kysely';
import { RoomError } from './errors.js';
import type { DocAccess } from './room-registry.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The authorisation step every entry point runs before any document data flows (both
 * transports on each join, the version and export routes): the caller must be a member of the
 * workspace, the document must exist, and the member's role must be allowed to open it.
 * Read fresh from the database each time, so a removed member or an archived workspace is
 * noticed at the next join.
 *
 * Unknown workspaces, malformed ids, unknown documents and non-members all read NOT_FOUND
 * (nobody learns which workspaces exist); a member whose role may not open the document
 * (the therapist on `drafts`) gets FORBIDDEN.
 */
export async function resolveDocAccess(db: Kysely<Database>, input: { userId: string; workspaceId: unknown; doc: unknown }): Promise<DocAccess> {
  const { userId, workspaceId, doc } = input;
  if (!isUuid(workspaceId) || !isDocName(doc)) throw new RoomError('NOT_FOUND', 'No such document.');
  const workspace = await findWorkspaceForMember(db, workspaceId, userId);
  if (!workspace) throw new RoomError('NOT_FOUND', 'No such document.');
  if (!canOpenDoc(workspace.role, doc)) throw new RoomError('FORBIDDEN', 'This document is private to the client.');
  const row = await findDocument(db, workspaceId, doc);
  if (!row) throw new RoomError('NOT_FOUND', 'No such document.');
  return { workspaceId, doc, documentId: row.id, userId, role: workspace.role, readOnly: workspace.archivedAt !== null };
}
