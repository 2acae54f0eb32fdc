import { findVersion, listVersions, recordAudit, recordView, type DocVersion } from '@alliance/db';
import { createVersionInput, DOC_KINDS, docParams, versionParams, type VersionDto } from '@alliance/shared';
import * as Y from 'yjs';
import { Hono } from 'hono';
import { resolveDocAccess } from '../collab/access.js';
import { historySource, stateAt } from '../collab/history.js';
import { RoomError } from '../collab/errors.js';
import type { DocAccess } from '../collab/room-registry.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { readKindOf } from '../http/read-kind.js';
import { validate } from '../http/validate.js';
import { limitBody } from '../middleware/body-limit.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { requireWritable } from './terms.js';

export function toVersionDto(row: DocVersion): VersionDto {
  return {
    id: row.id,
    label: row.label,
    // Periodic versions keep their first name on the wire.
    kind: row.kind === 'periodic' ? 'auto' : row.kind,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    upToSeq: row.seq,
  };
}

/**
 * The member's access to one document, for HTTP: anything they may not open — another
 * workspace, an unknown document, the client's drafts for the therapist — is a 404, as for a
 * workspace that does not exist.
 */
export async function requireDocAccess(deps: Pick<AppDeps, 'db'>, userId: string, workspaceId: string, doc: string): Promise<DocAccess> {
  try {
    return await resolveDocAccess(deps.db, { userId, workspaceId, doc });
  } catch (error) {
    if (error instanceof RoomError) throw notFound('No such document.');
    throw error;
  }
}

const unknownDocument = () => notFound('No such document.');

/**
 * Versions of a document (mounted at /api/workspaces/:id/docs): points of its update log that
 * people see (periodic, session, named), each opened as the log had it then. Listing, saving and
 * opening one are recorded in the access log.
 */
export function versionRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/:doc/versions', validate('param', docParams, unknownDocument), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const access = await requireDocAccess(deps, user.id, id, doc);
      const rows = await listVersions(deps.db, access.documentId);
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.list', target: doc, read: readKindOf(c) });
      return c.json<VersionDto[]>(rows.map(toVersionDto), 200);
    })
    .post('/:doc/versions', limitBody(), validate('param', docParams, unknownDocument), validate('json', createVersionInput), async (c) => {
      const user = currentUser(c);
      const { id, doc } = c.req.valid('param');
      const { label } = c.req.valid('json');
      requireWritable(await requireDocAccess(deps, user.id, id, doc));
      const version = await deps.rooms.createVersion({ workspaceId: id, doc, label, kind: 'named', userId: user.id });
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'version.create', target: doc });
      return c.json<VersionDto>(toVersionDto(version), 201);
    })
    .get('/:doc/versions/:versionId/state', validate('param', versionParams, unknownDocument), async (c) => {
      const user = currentUser(c);
      const { id, doc, versionId } = c.req.valid('param');
      const access = await requireDocAccess(deps, user.id, id, doc);
      const version = await findVersion(deps.db, access.documentId, versionId);
      if (!version) throw notFound('No such version.');
      // Exactly the log up to the version's seq, whatever checkpoints exist.
      const state = await stateAt(historySource(deps.db), DOC_KINDS[doc], access.documentId, version.seq);
      const bytes = Y.encodeStateAsUpdate(state);
      state.destroy();
      await recordView(deps.db, { workspaceId: id, userId: user.id, action: 'version.view', target: doc, read: readKindOf(c) });
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': 'application/octet-stream',
      });
    });
}
