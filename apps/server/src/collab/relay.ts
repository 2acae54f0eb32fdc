import type { DocVersion } from '@alliance/db';
import type { DocName, ErrorCode } from '@alliance/shared';
import type { ChangeOrigin } from './origin.js';

/**
 * How the processes of one deployment reach each other about documents (Redis, see
 * redis/doc-relay.ts). The rooms know only this seam: without it (one process) nothing changes.
 *
 * One process writes a document: the one holding its lease, the owner. The others keep a
 * replica of it for their own members (a follower room), fed from the document's channel, and
 * send the owner their members' updates to judge, order and store. So every update is checked
 * once, against the whole document, by the one process that orders them; the database's seqs
 * are that order, and a replica that sees one missing fetches it from the update log.
 */
export interface DocRelay {
  /** This process, as lease owner and as the address others reply to. */
  readonly processId: string;
  /**
   * Hears a document's channel: presence from every process, and for a follower the owner's
   * updates (an owner publishes them and needs not hear them). Messages arriving before the
   * channel gets a listener are kept for it, so a replica can subscribe first and read the
   * database after.
   */
  follow(documentId: string, role: 'owner' | 'follower'): DocChannel;
  /**
   * Sends a request to the process `to`. Its answers go to `answer`, in order; without a first
   * one within `timeoutMs` (the owner is gone, paused or unreachable) the request is refused with
   * NOT_SAVED. Returns a function that stops waiting for it.
   */
  forward(to: string, request: ForwardRequest, answer: (answer: ForwardAnswer) => void, timeoutMs: number): () => void;
  /**
   * Handles the requests other processes send this one. `address` is where the answer goes: an
   * update's `stored` answer may instead ride on the update's message on the document's channel
   * (see DocMessage), which the sender hears anyway.
   */
  serve(handler: (request: ForwardRequest, reply: (answer: ForwardAnswer) => void, address: AnswerAddress) => void): void;
  /**
   * Tells the process `owner` that this one follows these documents of its (when it opens one,
   * then every so often, all in one message): the owner publishes a document's updates while one does.
   */
  tellFollowing(owner: string, documentIds: string[]): void;
  /** Hears which of this process's documents another one follows. */
  onFollowing(listener: (documentIds: string[]) => void): void;
  /** Called each time the channels are heard again after Redis was away: messages may be missing. */
  onGap(listener: () => void): void;
}

/** One document's channel, as one process hears it. */
export interface DocChannel {
  /** Settles once the channel is heard (never while Redis is away: callers bound their wait). */
  readonly ready: Promise<void>;
  /** Starts delivering, beginning with what arrived before. */
  listen(listener: (message: DocMessage) => void): void;
  publish(message: DocMessage): void;
  /** How many processes hear the channel, this one included (0 when Redis cannot say). */
  listeners(): Promise<number>;
  close(): void;
}

/** A forwarded request's sender (a process) and its id there. */
export interface AnswerAddress {
  to: string;
  id: string;
}

/**
 * What goes out on a document's channel. `via` names the connection an update came from, so it
 * is not echoed there; `answers`, the forwarded request it came in, whose sender takes the
 * message as its `stored` answer (one message instead of two).
 */
export type DocMessage =
  /** The owner accepted an update: it is the `seq`th of the document (lease `token`). */
  | { kind: 'update'; from: string; token: number; seq: number; update: Uint8Array; via: string | null; answers: AnswerAddress | null }
  /** A process's members' presence changed (already checked and restated by that process). */
  | { kind: 'awareness'; from: string; update: Uint8Array }
  /** The owner let the document go (it unloaded or lost its lease): followers load it again. */
  | { kind: 'released'; from: string; token: number };

/** A request to the owner of a document. */
export type ForwardRequest =
  | {
      kind: 'update';
      workspaceId: string;
      doc: DocName;
      token: number;
      /** Who sent it and how it is judged (ChangeOrigin without the connection). */
      origin: Omit<ChangeOrigin, 'connection'>;
      /** The sending connection, for `via`. */
      via: string | null;
      update: Uint8Array;
    }
  | { kind: 'version'; workspaceId: string; doc: DocName; token: number; label: string | null; versionKind: DocVersion['kind']; userId: string | null };

/**
 * The owner's answers: an update is `stored` once durable (with its seq, null when it brought
 * nothing new) or `refused` (NOT_SAVED when it never will be). One that takes longer than a
 * moment to store (the database is slow or away) is said to be `accepted` first, so the sender
 * knows the owner is there and keeps waiting.
 */
export type ForwardAnswer =
  | { kind: 'accepted'; seq: number | null }
  | { kind: 'stored'; seq: number | null }
  | { kind: 'version'; version: DocVersion }
  | { kind: 'refused'; code: ErrorCode; message: string };
