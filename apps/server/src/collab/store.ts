import {
  appendUpdateBatches,
  findDocument,
  insertCheckpoint,
  latestCheckpoint,
  listUpdatesAfter,
  type Database,
  type DocCheckpoint,
  type LoggedUpdate,
  type UpdateBatch,
} from '@alliance/db';
import type { Kysely } from 'kysely';

export interface NewCheckpoint {
  documentId: string;
  upToSeq: number;
  state: Uint8Array;
  kind: DocCheckpoint['kind'];
  label: string | null;
  createdBy: string | null;
}

/**
 * Everything the rooms read from and write to the database, in one seam: persistence is an
 * extension of the room core, and tests swap it to make the database fail on purpose.
 */
export interface CollabStore {
  findDocumentId(workspaceId: string, doc: string): Promise<string | undefined>;
  latestCheckpoint(documentId: string): Promise<DocCheckpoint | undefined>;
  listUpdatesAfter(documentId: string, afterSeq: number): Promise<LoggedUpdate[]>;
  /** One statement for every batch (group commit); returns the rows added. */
  appendUpdateBatches(batches: UpdateBatch[]): Promise<number>;
  insertCheckpoint(checkpoint: NewCheckpoint): Promise<DocCheckpoint>;
}

export function createCollabStore(db: Kysely<Database>): CollabStore {
  return {
    findDocumentId: async (workspaceId, doc) => (await findDocument(db, workspaceId, doc))?.id,
    latestCheckpoint: (documentId) => latestCheckpoint(db, documentId),
    listUpdatesAfter: (documentId, afterSeq) => listUpdatesAfter(db, documentId, afterSeq),
    appendUpdateBatches: (batches) => appendUpdateBatches(db, batches),
    insertCheckpoint: (checkpoint) => insertCheckpoint(db, checkpoint),
  };
}
