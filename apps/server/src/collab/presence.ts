import type { Role } from '@alliance/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { RoomError } from './errors.js';

/** Who a presence belongs to, from the session and membership (never from the message). */
export interface PresenceOwner {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
}

export interface PresenceSettings {
  /** Presences (Yjs awareness client ids) one connection may hold at once. */
  maxPerConnection: number;
  /** The largest state accepted, as JSON text. */
  maxStateBytes: number;
  /** A presence not renewed for this long is dropped (clients renew theirs every 15 s). */
  timeoutMs: number;
}

export const DEFAULT_PRESENCE_SETTINGS: PresenceSettings = { maxPerConnection: 4, maxStateBytes: 4_096, timeoutMs: 30_000 };

interface Entry {
  owner: PresenceOwner;
  /** Which connection holds it (an opaque handle of the caller's). */
  holder: object;
  clock: number;
  /** The state as relayed: JSON text, rebuilt by the server from the fields it knows. */
  json: string;
  renewedAt: number;
}

/**
 * The members' presence in one document (y-protocols awareness), validated by the server:
 *
 * - each connection may hold a few presences; each state is small and holds only the fields the
 *   app uses (`cursor`, `editing`, `away`), each of a known shape — anything else is dropped;
 * - the `user` shown to the other person (id, name, role) is the server's, from the session;
 * - nobody speaks for a presence another person holds (stock providers echo everyone's presence
 *   back: such entries are ignored);
 * - a removed state is freed at once (nothing is kept per client id once it goes), and so is one
 *   that stops being renewed.
 *
 * It speaks the awareness update format (count, then client id, clock and JSON state each) so
 * stock clients and the web app read it with `applyAwarenessUpdate`.
 */
export class Presence {
  private readonly entries = new Map<number, Entry>();
  private readonly held = new Map<object, Set<number>>();

  constructor(
    private readonly settings: PresenceSettings = DEFAULT_PRESENCE_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Applies an awareness update from `holder`, owned by `owner`. Returns the update to relay to
   * the others (only what changed, as the server states it), or null when nothing did.
   * Throws RoomError for an unreadable update or one over the limits.
   */
  receive(holder: object, owner: PresenceOwner, update: Uint8Array): Uint8Array | null {
    const incoming = readEntries(update, this.settings.maxStateBytes);
    const changed: Outgoing[] = [];
    const now = this.now();
    for (const { client, clock, state } of incoming) {
      const previous = this.entries.get(client);
      if (previous && previous.owner.userId !== owner.userId) continue; // someone else's: not ours to speak for
      if (previous && (clock < previous.clock || (clock === previous.clock && state !== null))) continue; // stale
      if (state === null) {
        if (previous) {
          this.forget(client, previous);
          changed.push({ client, clock, json: 'null' });
        }
        continue;
      }
      const json = JSON.stringify(sanitizeState(state, owner));
      if (!previous || previous.holder !== holder) {
        const mine = this.held.get(holder);
        if ((mine?.size ?? 0) >= this.settings.maxPerConnection) throw new RoomError('INVALID_MESSAGE', 'Too many presences on one connection.');
        if (previous) this.forget(client, previous);
        this.hold(holder, client);
      }
      this.entries.set(client, { owner, holder, clock, json, renewedAt: now });
      changed.push({ client, clock, json });
    }
    return changed.length > 0 ? encodeEntries(changed) : null;
  }

  /** Drops everything `holder` held; returns the removal to tell the others, or null. */
  removeHolder(holder: object): Uint8Array | null {
    return this.remove([...(this.held.get(holder) ?? [])]);
  }

  /** Drops presences not renewed within the timeout; returns the removal to tell, or null. */
  sweep(): Uint8Array | null {
    const cutoff = this.now() - this.settings.timeoutMs;
    return this.remove([...this.entries].filter(([, entry]) => entry.renewedAt < cutoff).map(([client]) => client));
  }

  /** Everyone's presence here, as relayed. */
  list(): AwarenessEntry[] {
    return [...this.entries].map(([client, entry]) => ({ client, clock: entry.clock, json: entry.json }));
  }

  /** Drops every presence (the room is going away); returns the removal to tell, or null. */
  clear(): Uint8Array | null {
    return this.remove([...this.entries.keys()]);
  }

  private remove(clients: number[]): Uint8Array | null {
    const removed: Outgoing[] = [];
    for (const client of clients) {
      const entry = this.entries.get(client);
      if (!entry) continue;
      this.forget(client, entry);
      // A removal goes out one clock past the state it removes, as y-protocols does.
      removed.push({ client, clock: entry.clock + 1, json: 'null' });
    }
    return removed.length > 0 ? encodeEntries(removed) : null;
  }

  private hold(holder: object, client: number): void {
    let clients = this.held.get(holder);
    if (!clients) this.held.set(holder, (clients = new Set()));
    clients.add(client);
  }

  private forget(client: number, entry: Entry): void {
    this.entries.delete(client);
    const clients = this.held.get(entry.holder);
    clients?.delete(client);
    if (clients?.size === 0) this.held.delete(entry.holder);
  }
}

/** One presence as it travels: its awareness client id, clock and JSON state ('null': removed). */
export interface AwarenessEntry {
  client: number;
  clock: number;
  json: string;
}

type Outgoing = AwarenessEntry;

/** Presences in the awareness update format; null when there are none. */
export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array | null {
  return entries.length > 0 ? encodeEntries(entries) : null;
}

/**
 * The presence of members connected to other server processes, in one document, as those
 * processes checked and restated it (see Presence): kept to relay it to this process's members
 * and to show it to those who join. A process that goes away without a word has its presences
 * dropped once they stop being renewed.
 */
export class RemotePresence {
  private readonly entries = new Map<number, { from: string; clock: number; json: string; renewedAt: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Applies what process `from` told; returns what to relay to the members here, or null. */
  receive(from: string, update: Uint8Array): Uint8Array | null {
    let incoming: IncomingEntry[];
    try {
      incoming = readEntries(update, Number.MAX_SAFE_INTEGER);
    } catch {
      return null;
    }
    const changed: AwarenessEntry[] = [];
    const now = this.now();
    for (const { client, clock, state } of incoming) {
      const previous = this.entries.get(client);
      if (previous && clock < previous.clock) continue;
      if (state === null) {
        if (!previous) continue;
        this.entries.delete(client);
        changed.push({ client, clock, json: 'null' });
        continue;
      }
      const json = JSON.stringify(state);
      this.entries.set(client, { from, clock, json, renewedAt: now });
      changed.push({ client, clock, json });
    }
    return encodeAwareness(changed);
  }

  /** Drops presences not renewed within the timeout; returns the removal to tell, or null. */
  sweep(): Uint8Array | null {
    const cutoff = this.now() - this.timeoutMs;
    const removed: AwarenessEntry[] = [];
    for (const [client, entry] of this.entries) {
      if (entry.renewedAt >= cutoff) continue;
      this.entries.delete(client);
      removed.push({ client, clock: entry.clock + 1, json: 'null' });
    }
    return encodeAwareness(removed);
  }

  list(): AwarenessEntry[] {
    return [...this.entries].map(([client, entry]) => ({ client, clock: entry.clock, json: entry.json }));
  }
}

function encodeEntries(entries: Outgoing[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.client);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}

interface IncomingEntry {
  client: number;
  clock: number;
  /** The parsed state: null for a removal. */
  state: Record<string, unknown> | null;
}

function readEntries(update: Uint8Array, maxStateBytes: number): IncomingEntry[] {
  const entries: IncomingEntry[] = [];
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    for (let index = 0; index < count; index++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const length = decoding.readVarUint(decoder);
      if (length > update.length - decoder.pos) throw new Error('the state overruns the message');
      if (length > maxStateBytes) throw new RoomError('INVALID_MESSAGE', 'A presence state is larger than the server accepts.');
      const text = new TextDecoder('utf-8', { fatal: true }).decode(decoding.readUint8Array(decoder, length));
      // Parsed by JSON.parse, whose nesting is bounded by the size limit above; only known
      // fields are kept afterwards, so depth never travels on.
      const state: unknown = JSON.parse(text);
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('a state is an object or null');
      entries.push({ client, clock, state: state as Record<string, unknown> | null });
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update');
  } catch (error) {
    if (error instanceof RoomError) throw error;
    throw new RoomError('INVALID_MESSAGE', 'The awareness update could not be read.');
  }
  return entries;
}

const MAX_TNAME = 100;
const MAX_EDITING_KIND = 32;
const MAX_EDITING_ID = 64;

/** The state as the server relays it: the server's `user`, and the known fields in their known shapes. */
function sanitizeState(state: Record<string, unknown>, owner: PresenceOwner): Record<string, unknown> {
  const clean: Record<string, unknown> = { user: { id: owner.userId, name: owner.name, role: owner.role } };
  const cursor = readCursor(state.cursor);
  if (cursor !== undefined) clean.cursor = cursor;
  const editing = readEditing(state.editing);
  if (editing !== undefined) clean.editing = editing;
  if (typeof state.away === 'boolean') clean.away = state.away;
  return clean;
}

function readCursor(value: unknown): unknown {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const anchor = readRelativePosition(value.anchor);
  const head = readRelativePosition(value.head);
  return anchor && head ? { anchor, head } : undefined;
}

/** A Yjs relative position as JSON (`Y.relativePositionToJSON`), rebuilt field by field. */
function readRelativePosition(value: unknown): Record<string, unknown> | null {
  if (!isRecord(value)) return null;
  const position: Record<string, unknown> = {};
  for (const key of ['type', 'item'] as const) {
    const id = value[key];
    if (id === undefined || id === null) continue;
    if (!isRecord(id) || !isCount(id.client) || !isCount(id.clock)) return null;
    position[key] = { client: id.client, clock: id.clock };
  }
  if (value.tname !== undefined && value.tname !== null) {
    if (typeof value.tname !== 'string' || value.tname.length > MAX_TNAME) return null;
    position.tname = value.tname;
  }
  if (value.assoc !== undefined && value.assoc !== null) {
    if (!Number.isInteger(value.assoc)) return null;
    position.assoc = value.assoc;
  }
  return Object.keys(position).length > 0 ? position : null;
}

function readEditing(value: unknown): unknown {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const { kind, id } = value;
  if (typeof kind !== 'string' || typeof id !== 'string' || kind.length > MAX_EDITING_KIND || id.length > MAX_EDITING_ID) return undefined;
  return { kind, id };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
