import { EventEmitter } from 'node:events';
import type { WorkspaceChange } from '@alliance/shared';

export type { WorkspaceChange };

export type WorkspaceChangeListener = (workspaceId: string, change: WorkspaceChange) => void;

/**
 * Tells the realtime transports that something about a workspace changed (terms, a session
 * started or ended, a member joined) so members' screens refresh it. In-process now; with
 * several server processes this is the seam a Redis channel plugs into.
 */
export class WorkspaceEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  workspaceChanged(workspaceId: string, change: WorkspaceChange): void {
    this.emitter.emit('changed', workspaceId, change);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: WorkspaceChangeListener): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }
}
