import { EventEmitter } from 'node:events';
import type { WorkspaceChange } from '@alliance/shared';

export type { WorkspaceChange };

export type WorkspaceChangeListener = (workspaceId: string, change: WorkspaceChange) => void;
export type WorkspaceArchivedListener = (workspaceId: string) => void;

/** What one process tells the others: a change, or that a workspace became a read-only archive. */
export type WorkspaceMessage = { kind: 'changed'; workspaceId: string; change: WorkspaceChange } | { kind: 'archived'; workspaceId: string };

/** Carries workspace messages to the other server processes (a Redis channel). */
export interface WorkspaceRelay {
  publish(message: WorkspaceMessage): void;
}

/**
 * Tells the realtime transports that something about a workspace changed (terms, a session
 * started or ended, a member joined) so members' screens refresh it, and the open rooms that
 * a workspace was archived. Listeners in this process hear it at once (synchronously); with a
 * relay (several processes), the other processes hear it through the relay, which hands what
 * it receives to `deliver`.
 */
export class WorkspaceEvents {
  private readonly emitter = new EventEmitter();
  private relay: WorkspaceRelay | null = null;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  workspaceChanged(workspaceId: string, change: WorkspaceChange): void {
    this.announce({ kind: 'changed', workspaceId, change });
  }

  /** The workspace is an archive now: open rooms refuse the next update, in every process. */
  workspaceArchived(workspaceId: string): void {
    this.announce({ kind: 'archived', workspaceId });
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: WorkspaceChangeListener): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }

  /** Returns the function that unsubscribes. */
  onArchived(listener: WorkspaceArchivedListener): () => void {
    this.emitter.on('archived', listener);
    return () => this.emitter.off('archived', listener);
  }

  /** From now on, every message is also published through `relay`. */
  relayTo(relay: WorkspaceRelay | null): void {
    this.relay = relay;
  }

  /** A message from another process: told to the listeners here only. */
  deliver(message: WorkspaceMessage): void {
    if (message.kind === 'changed') this.emitter.emit('changed', message.workspaceId, message.change);
    else this.emitter.emit('archived', message.workspaceId);
  }

  private announce(message: WorkspaceMessage): void {
    try {
      this.deliver(message);
    } finally {
      this.relay?.publish(message);
    }
  }
}
