import {
  acquireLease,
  appendFencedUpdates,
  findDocument,
  insertDocClients,
  insertFencedCheckpoint,
  latestCheckpoint,
  listDocClients,
  listUpdatesAfter,
  releaseLease,
  renewLeases,
  type ClientClaim,
  type Database,
  type DocCheckpoint,
  type FencedAppendResult,
  type FencedBatch,
  type LeaseClaim,
  type LoggedUpdate,
} from '@alliance/db';
import type { Kysely } from 'kysely';

export interface NewCheckpoint {
  documentId: string;
  upToSeq: number;
  state: Uint8Array;
  kind: DocCheckpoint['kind'];
  label: string | null;
  createdBy: string | null;
  /** Written only while this lease holds. */
  lease: LeaseClaim;
}

/**
 * Everything the rooms read from and write to the database, in one seam: persistence is an
 * extension of the room core, and tests swap it to make the database fail on purpose.
 */
export interface CollabStore {
  findDocumentId(workspaceId: string, doc: string): Promise<string | undefined>;
  latestCheckpoint(documentId: string): Promise<DocCheckpoint | undefined>;
  listUpdatesAfter(documentId: string, afterSeq: number): Promise<LoggedUpdate[]>;
  /** One statement for every batch (group commit), fenced by each document's lease. */
  appendUpdates(batches: FencedBatch[]): Promise<FencedAppendResult>;
  /** Throws when the lease no longer holds. */
  insertCheckpoint(checkpoint: NewCheckpoint): Promise<DocCheckpoint>;
  listDocClients(documentId: string): Promise<ClientClaim[]>;
  insertDocClients(documentId: string, claims: ClientClaim[]): Promise<void>;
  acquireLease(documentId: string, owner: string, ttlMs: number): Promise<number | null>;
  renewLeases(owner: string, leases: { documentId: string; token: number }[], ttlMs: number): Promise<Set<string>>;
  releaseLease(documentId: string, owner: string, token: number): Promise<void>;
}

/** The lease was lost before a checkpoint could be written. */
export class LeaseLostError extends Error {
  constructor() {
    super('another process holds the document now');
    this.name = 'LeaseLostError';
  }
}

export function createCollabStore(db: Kysely<Database>): CollabStore {
  return {
    findDocumentId: async (workspaceId, doc) => (await findDocument(db, workspaceId, doc))?.id,
    latestCheckpoint: (documentId) => latestCheckpoint(db, documentId),
    listUpdatesAfter: (documentId, afterSeq) => listUpdatesAfter(db, documentId, afterSeq),
    appendUpdates: (batches) => appendFencedUpdates(db, batches),
    insertCheckpoint: async (checkpoint) => {
      const row = await insertFencedCheckpoint(db, checkpoint);
      if (!row) throw new LeaseLostError();
      return row;
    },
    listDocClients: (documentId) => listDocClients(db, documentId),
    insertDocClients: (documentId, claims) => insertDocClients(db, documentId, claims),
    acquireLease: (documentId, owner, ttlMs) => acquireLease(db, documentId, owner, ttlMs),
    renewLeases: (owner, leases, ttlMs) => renewLeases(db, owner, leases, ttlMs),
    releaseLease: (documentId, owner, token) => releaseLease(db, documentId, owner, token),
  };
}
