import type { AccessActorDto, AccessEntryDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { accessLines, actorName } from './audit-text.js';

const SAM: AccessActorDto = { kind: 'member', userId: 'sam-id', name: 'Sam' };
const DANA: AccessActorDto = { kind: 'member', userId: 'dana-id', name: 'Dana' };
const NOW = new Date('2026-11-24T12:00:00Z');

describe('the access log in plain words', () => {
  it('names the reader "You" by their id, the other person by name, and the server "Alliance"', () => {
    expect(actorName(SAM, 'sam-id')).toBe('You');
    expect(actorName(SAM, 'dana-id')).toBe('Sam');
    // Someone else with the same name is not the reader.
    expect(actorName({ kind: 'member', userId: 'other-id', name: 'Dana' }, 'dana-id')).toBe('Dana');
    expect(actorName({ kind: 'server' }, 'dana-id')).toBe('Alliance');
  });

  it('turns the server’s entries into lines, newest first as sent', () => {
    const entries: AccessEntryDto[] = [
      { kind: 'edits', id: 'e-1', actor: SAM, doc: 'roadmap', changes: 12, from: '2026-11-23T17:45:00Z', to: '2026-11-23T17:52:00Z' },
      { kind: 'action', id: 'a-2', actor: DANA, action: 'export', target: 'json', from: '2026-11-23T17:40:00Z', to: '2026-11-23T17:40:00Z' },
      {
        kind: 'views',
        id: 'v-3',
        actor: SAM,
        views: [
          { action: 'doc.open', target: 'roadmap' },
          { action: 'terms.view', target: null },
        ],
        from: '2026-11-23T17:30:00Z',
        to: '2026-11-23T17:52:30Z',
      },
    ];
    expect(accessLines(entries, 'dana-id', { locale: 'en-GB', timeZone: 'UTC', now: NOW })).toEqual([
      { id: 'e-1', kind: 'edits', who: 'Sam', what: 'edited the roadmap — 12 changes', when: '23 Nov, 17:45–17:52', at: '2026-11-23T17:52:00Z' },
      { id: 'a-2', kind: 'action', who: 'You', what: 'exported the workspace as JSON', when: '23 Nov, 17:40', at: '2026-11-23T17:40:00Z' },
      { id: 'v-3', kind: 'views', who: 'Sam', what: 'opened the roadmap and How we work', when: '23 Nov, 17:30–17:52', at: '2026-11-23T17:52:30Z' },
    ]);
  });
});
