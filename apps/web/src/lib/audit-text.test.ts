import type { AuditEventDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { accessLines, describeAction, formatWhen } from './audit-text.js';

const event = (id: string, action: string, userName: string | null, createdAt: string, target: string | null = null): AuditEventDto => ({ id, action, target, userName, createdAt });

describe('the access log in plain words', () => {
  it('describes each action', () => {
    expect(describeAction('doc.open', 'roadmap')).toBe('opened the roadmap');
    expect(describeAction('doc.open', 'feedback')).toBe('opened the feedback board');
    expect(describeAction('session.end', '3')).toBe('ended session 3');
    expect(describeAction('export', 'md')).toBe('exported the workspace as Markdown');
    expect(describeAction('something.new', null)).toBe('something new');
  });

  it('dates a line like "23 Nov, 10:02", with the year only when it differs', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(formatWhen('2026-11-23T10:02:00Z', now, 'UTC')).toBe('23 Nov, 10:02');
    expect(formatWhen('2025-01-05T18:30:00Z', now, 'UTC')).toBe('5 Jan 2025, 18:30');
  });

  it('names the viewer "You" and folds repeats in a row into one line', () => {
    const events = [
      event('5', 'doc.open', 'Sam', '2026-11-23T10:20:00Z', 'roadmap'),
      event('4', 'doc.open', 'Sam', '2026-11-23T10:10:00Z', 'roadmap'),
      event('3', 'doc.open', 'Sam', '2026-11-23T10:02:00Z', 'roadmap'),
      event('2', 'terms.update', 'Dana', '2026-11-23T09:00:00Z'),
      event('1', 'workspace.create', null, '2026-11-20T09:00:00Z'),
    ];
    expect(accessLines(events, 'Dana')).toEqual([
      { id: '5', who: 'Sam', what: 'opened the roadmap', at: '2026-11-23T10:20:00Z', count: 3 },
      { id: '2', who: 'You', what: 'changed How we work', at: '2026-11-23T09:00:00Z', count: 1 },
      { id: '1', who: 'Someone no longer here', what: 'created the workspace', at: '2026-11-20T09:00:00Z', count: 1 },
    ]);
  });

  it('keeps repeats apart when they are far apart in time', () => {
    const events = [event('2', 'doc.open', 'Sam', '2026-11-23T12:00:00Z', 'roadmap'), event('1', 'doc.open', 'Sam', '2026-11-23T10:00:00Z', 'roadmap')];
    expect(accessLines(events, 'Dana').map((line) => line.count)).toEqual([1, 1]);
  });
});
