import { describe, expect, it } from 'vitest';
import { WorkspaceEvents, type WorkspaceMessage } from './workspace-events.js';

describe('WorkspaceEvents', () => {
  it('tells listeners here at once, and the relay too; what the relay delivers is told here only', () => {
    const events = new WorkspaceEvents();
    const heard: string[] = [];
    const published: WorkspaceMessage[] = [];
    events.subscribe((workspaceId, change) => heard.push(`${workspaceId} ${change}`));
    events.onArchived((workspaceId) => heard.push(`${workspaceId} archived`));
    events.relayTo({ publish: (message) => published.push(message) });

    events.workspaceChanged('w1', 'terms');
    events.workspaceArchived('w1');
    expect(heard).toEqual(['w1 terms', 'w1 archived']);
    expect(published).toEqual([
      { kind: 'changed', workspaceId: 'w1', change: 'terms' },
      { kind: 'archived', workspaceId: 'w1' },
    ]);

    events.deliver({ kind: 'changed', workspaceId: 'w2', change: 'session' });
    events.deliver({ kind: 'archived', workspaceId: 'w2' });
    expect(heard.slice(2)).toEqual(['w2 session', 'w2 archived']);
    expect(published).toHaveLength(2);
  });

  it('publishes even when a listener here throws', () => {
    const events = new WorkspaceEvents();
    const published: WorkspaceMessage[] = [];
    events.relayTo({ publish: (message) => published.push(message) });
    events.subscribe(() => {
      throw new Error('listener failed');
    });
    expect(() => events.workspaceChanged('w1', 'terms')).toThrow('listener failed');
    expect(published).toHaveLength(1);
  });
});
