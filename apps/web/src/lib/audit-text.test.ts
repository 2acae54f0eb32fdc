import type { AccessActorDto, AccessEntryDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { accessLines, actorName, describeAction, describeEdits, describeViews, formatSpan, formatWhen } from './audit-text.js';

const SAM: AccessActorDto = { kind: 'member', userId: 'sam-id', name: 'Sam' };
const DANA: AccessActorDto = { kind: 'member', userId: 'dana-id', name: 'Dana' };
const NOW = new Date('2026-11-24T12:00:00Z');

describe('the access log in plain words', () => {
  it('describes each action', () => {
    expect(describeAction('doc.open', 'roadmap')).toBe('opened the roadmap');
    expect(describeAction('doc.open', 'feedback')).toBe('opened the feedback board');
    expect(describeAction('session.end', '3')).toBe('ended session 3');
    expect(describeAction('export', 'md')).toBe('exported the workspace as Markdown');
    expect(describeAction('version.create', 'drafts')).toBe('saved a version of your private drafts');
    expect(describeAction('invite.accept', null)).toBe('joined the workspace');
    expect(describeAction('something.new', null)).toBe('something new');
  });

  it('describes the steps of the closing review', () => {
    expect(describeAction('closing.open', null)).toBe('began the closing review');
    expect(describeAction('closing.reflect', null)).toBe('saved a closing reflection');
    expect(describeAction('closing.confirm', null)).toBe('confirmed the closing review');
    expect(describeAction('workspace.archive', null)).toBe('confirmed last: the workspace became a read-only archive');
    expect(describeViews([{ action: 'closing.view', target: null }, { action: 'doc.open', target: 'roadmap' }])).toBe('opened the roadmap and the closing review');
  });

  it('dates a line like "23 Nov, 10:02", with the year only when it differs', () => {
    expect(formatWhen('2026-11-23T10:02:00Z', NOW, 'UTC')).toBe('23 Nov, 10:02');
    expect(formatWhen('2025-01-05T18:30:00Z', NOW, 'UTC')).toBe('5 Jan 2025, 18:30');
  });

  it('gives a group its span: one time within a minute, both times within a day, both days across midnight', () => {
    expect(formatSpan('2026-11-23T17:45:10Z', '2026-11-23T17:45:50Z', NOW, 'UTC')).toBe('23 Nov, 17:45');
    expect(formatSpan('2026-11-23T17:45:00Z', '2026-11-23T17:52:00Z', NOW, 'UTC')).toBe('23 Nov, 17:45–17:52');
    expect(formatSpan('2026-11-23T23:50:00Z', '2026-11-24T00:10:00Z', NOW, 'UTC')).toBe('23 Nov, 23:50 – 24 Nov, 00:10');
    expect(formatSpan('2025-12-31T23:50:00Z', '2026-01-01T00:10:00Z', NOW, 'UTC')).toBe('31 Dec 2025, 23:50 – 1 Jan, 00:10');
    // In the reader's own time zone.
    expect(formatSpan('2026-11-23T17:45:00Z', '2026-11-23T17:52:00Z', NOW, 'Asia/Tokyo')).toBe('24 Nov, 02:45–02:52');
  });

  it('counts edits, one change or many, and says when Alliance made them itself', () => {
    expect(describeEdits('roadmap', 12, SAM)).toBe('edited the roadmap — 12 changes');
    expect(describeEdits('feedback', 1, SAM)).toBe('edited the feedback board — 1 change');
    expect(describeEdits('feedback', 1, { kind: 'server' })).toBe('made an automatic change to the feedback board');
    expect(describeEdits('drafts', 3, { kind: 'server' })).toBe('made 3 automatic changes to your private drafts');
  });

  it('lists what a visit opened in a fixed order, each thing once, the workspace itself only when nothing else', () => {
    expect(describeViews([{ action: 'workspace.view', target: null }])).toBe('opened the workspace');
    expect(
      describeViews([
        { action: 'terms.view', target: null },
        { action: 'doc.open', target: 'feedback' },
        { action: 'workspace.view', target: null },
        { action: 'doc.open', target: 'roadmap' },
      ]),
    ).toBe('opened the roadmap, the feedback board and How we work');
    expect(
      describeViews([
        { action: 'version.view', target: 'roadmap' },
        { action: 'version.list', target: 'roadmap' },
        { action: 'audit.view', target: null },
      ]),
    ).toBe('opened the saved versions of the roadmap and this access log');
    expect(
      describeViews([
        { action: 'doc.open', target: 'roadmap' },
        { action: 'version.list', target: 'feedback' },
        { action: 'version.list', target: 'roadmap' },
      ]),
    ).toBe('opened the roadmap and saved versions');
    expect(describeViews([{ action: 'doc.open', target: 'drafts' }])).toBe('opened your private drafts');
  });

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
    expect(accessLines(entries, 'dana-id', NOW, 'UTC')).toEqual([
      { id: 'e-1', kind: 'edits', who: 'Sam', what: 'edited the roadmap — 12 changes', when: '23 Nov, 17:45–17:52', at: '2026-11-23T17:52:00Z' },
      { id: 'a-2', kind: 'action', who: 'You', what: 'exported the workspace as JSON', when: '23 Nov, 17:40', at: '2026-11-23T17:40:00Z' },
      { id: 'v-3', kind: 'views', who: 'Sam', what: 'opened the roadmap and How we work', when: '23 Nov, 17:30–17:52', at: '2026-11-23T17:52:30Z' },
    ]);
  });
});
