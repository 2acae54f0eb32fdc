import {
  acquireLease,
  appendFencedUpdates,
  exactCheckpointAtOrBefore,
  findDocument,
  followedDocuments,
  insertDocClients,
  insertFencedCheckpoint,
  latestCheckpoint,
  leaseHolder,
  listDocClients,
  listUpdatesAfter,
  releaseLease,
  renewLeases,
  type ClientClaim,
  type Database,
  type Db,
  type DocCheckpoint,
  type FencedAppendResult,
  type FencedBatch,
  type DocVersion,
  type LeaseClaim,
  type LeaseTake,
  type LoggedUpdate,
  type NewVersion,
} from '@alliance/db';
import type { Kysely } from 'kysely';

export interface NewCheckpoint {
  documentId: string;
  upToSeq: number;
  /** Exactly the log up to `upToSeq`. */
  state: Uint8Array;
  /** Written only while this lease holds. */
  lease: LeaseClaim;
  /** The version people see that this checkpoint stands for, if any (saved with it). */
  version?: NewVersion | null;
}

/**
 * Everything the rooms read from and write to the database, in one seam: persistence is an
 * extension of the room core, and tests swap it to make the database fail on purpose.
 */
export interface CollabStore {
  findDocumentId(workspaceId: string, doc: string): Promise<string | undefined>;
  latestCheckpoint(documentId: string): Promise<DocCheckpoint | undefined>;
  listUpdatesAfter(documentId: string, afterSeq: number, upToSeq?: number): Promise<LoggedUpdate[]>;
  /** The latest checkpoint holding exactly the log up to a seq at or before `seq`. */
  exactCheckpointAtOrBefore(documentId: string, seq: number): Promise<DocCheckpoint | undefined>;
  /** One statement for every batch (group commit), fenced by each document's lease. */
  appendUpdates(batches: FencedBatch[]): Promise<FencedAppendResult>;
  /** Throws LeaseLostError when the lease no longer holds. */
  insertCheckpoint(checkpoint: NewCheckpoint): Promise<{ checkpoint: Omit<DocCheckpoint, 'state'>; version: DocVersion | null }>;
  listDocClients(documentId: string): Promise<ClientClaim[]>;
  insertDocClients(documentId: string, claims: ClientClaim[]): Promise<void>;
  acquireLease(documentId: string, owner: string, ttlMs: number): Promise<LeaseTake>;
  renewLeases(owner: string, leases: { documentId: string; token: number }[], ttlMs: number): Promise<Set<string>>;
  releaseLease(documentId: string, owner: string, token: number): Promise<void>;
  /** Who holds the document's lease now, if anybody. */
  leaseHolder(documentId: string): Promise<LeaseClaim | undefined>;
  /** For followers: each document's lease holder now (null: nobody) and its last logged seq. */
  followedDocuments(documentIds: string[]): Promise<Map<string, { holder: LeaseClaim | null; lastSeq: number }>>;
}

/** The lease was lost before a checkpoint could be written. */
export class LeaseLostError extends Error {
  constructor() {
    super('another process holds the document now');
    this.name = 'LeaseLostError';
  }
}

/** `postgresPool`: the pool behind `db` on Postgres, for the statements it runs prepared (the group commit). */
export function createCollabStore(db: Kysely<Database>, postgresPool?: Db['postgresPool'] | null): CollabStore {
  return {
    findDocumentId: async (workspaceId, doc) => (await findDocument(db, workspaceId, doc))?.id,
    latestCheckpoint: (documentId) => latestCheckpoint(db, documentId),
    listUpdatesAfter: (documentId, afterSeq, upToSeq) => listUpdatesAfter(db, documentId, afterSeq, upToSeq),
    exactCheckpointAtOrBefore: (documentId, seq) => exactCheckpointAtOrBefore(db, documentId, seq),
    appendUpdates: (batches) => appendFencedUpdates(db, batches, postgresPool),
    insertCheckpoint: async (checkpoint) => {
      const written = await insertFencedCheckpoint(db, checkpoint);
      if (!written) throw new LeaseLostError();
      return written;
    },
    listDocClients: (documentId) => listDocClients(db, documentId),
    insertDocClients: (documentId, claims) => insertDocClients(db, documentId, claims),
    acquireLease: (documentId, owner, ttlMs) => acquireLease(db, documentId, owner, ttlMs),
    renewLeases: (owner, leases, ttlMs) => renewLeases(db, owner, leases, ttlMs),
    releaseLease: (documentId, owner, token) => releaseLease(db, documentId, owner, token),
    leaseHolder: (documentId) => leaseHolder(db, documentId),
    followedDocuments: (documentIds) => followedDocuments(db, documentIds),
  };
}
