import { describe, expect, it } from 'vitest';
import { repairTitle } from '@alliance/shared';
import { repairStatus, repairSummary, viewFields } from './repair-words.js';

describe('repair item words', () => {
  it('titles an item by its source', () => {
    expect(repairTitle({ source: { kind: 'checkin', checkinId: 'c', sessionNumber: 4, drop: { items: [], total: null } } })).toBe('Check-in after session 4');
    expect(repairTitle({ source: { kind: 'card', cardId: 'x', column: 'power' } })).toBe('A card in “How power feels here”');
  });

  it('gives each reader their own view to write and the other’s to read', () => {
    expect(viewFields('client')).toEqual({ mine: 'clientView', theirs: 'therapistView' });
    expect(viewFields('therapist')).toEqual({ mine: 'therapistView', theirs: 'clientView' });
  });

  it('says where an item stands for each reader', () => {
    const open = { acknowledgedAt: null, closedAt: null };
    expect(repairStatus(open, 'therapist', 'Dana')).toBe('New: please acknowledge it');
    expect(repairStatus(open, 'client', 'Dana')).toBe('Waiting for Dana to acknowledge it');
    expect(repairStatus({ acknowledgedAt: 'now', closedAt: null }, 'client', 'Dana')).toBe('Dana acknowledged it');
    expect(repairStatus({ acknowledgedAt: 'now', closedAt: 'later' }, 'therapist', 'Dana')).toBe('Talked through and closed as repaired');
  });

  it('sums up the section', () => {
    expect(repairSummary(1, 0)).toBe('1 open');
    expect(repairSummary(2, 3)).toBe('2 open · 3 repaired');
    expect(repairSummary(0, 1)).toBe('1 repaired');
  });
});
