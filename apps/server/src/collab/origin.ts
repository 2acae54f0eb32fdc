import type { Role } from '@alliance/shared';
import type { RoomConnection } from './room-registry.js';

/**
 * Where a change comes from, decided by the server — from the sender's session and membership,
 * or by the server itself — and never read from the change.
 */
export interface ChangeOrigin {
  /** Whose change it is: recorded in the update log and shown in history. */
  readonly author: { readonly kind: 'member'; readonly userId: string } | { readonly kind: 'server' };
  /** The role the checks judge it as (the member's, or the one the server acts for). */
  readonly role: Role;
  /** Why the server made it, when the server made it (on its own, or asked by the member). */
  readonly reason: string | null;
  /** The connection it came from (it is not echoed back there); null for the server's changes. */
  readonly connection: RoomConnection | null;
  /** Forwarded by another process: the connection there it came from (it is not echoed back there). */
  readonly via?: string | null;
}

/** Why the server changes a document itself. */
export type ServerChangeReason = 'drafts.shared';

/** Why the server changes a document at a member's request (recorded as that member's change). */
export type RequestedChangeReason = 'restore' | 'repair.close';

/** A change the server makes because a member asked for it: theirs, judged on its shape (the route decided they may). */
export function forMember(userId: string, role: Role, reason: RequestedChangeReason): Omit<ChangeOrigin, 'connection'> {
  return { author: { kind: 'member', userId }, role, reason };
}

/** A member's edit, as it arrives on one of their connections. */
export function fromConnection(connection: RoomConnection): ChangeOrigin {
  return { author: { kind: 'member', userId: connection.userId }, role: connection.role, reason: null, connection };
}

/** A change the server makes on its own, judged as made by `role` (whom it acts for). */
export function fromServer(reason: ServerChangeReason, role: Role): ChangeOrigin {
  return { author: { kind: 'server' }, role, reason, connection: null };
}

/** The person a change's Yjs client ids belong to: the member, or null for the server. */
export function ownerOf(origin: ChangeOrigin): string | null {
  return origin.author.kind === 'member' ? origin.author.userId : null;
}
