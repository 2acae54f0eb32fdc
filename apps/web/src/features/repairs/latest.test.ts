import type { RepairItemDto } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { latestOf } from './latest.js';

const item = (fields: Partial<RepairItemDto>): RepairItemDto => ({
  id: 'r1',
  source: { kind: 'card', cardId: 'c1', column: 'power' },
  openedAt: '2026-12-02T10:00:00.000Z',
  acknowledgedAt: null,
  whatHappened: '',
  clientView: '',
  therapistView: '',
  willChange: '',
  version: 1,
  updatedAt: '2026-12-02T10:00:00.000Z',
  closedAt: null,
  ...fields,
});

describe('the newer copy of a repair item', () => {
  it('keeps the words just saved when an older list arrives after them', () => {
    const saved = item({ version: 3, clientView: 'It felt hurried' });
    expect(latestOf(item({ version: 2 }), saved)).toMatchObject({ version: 3, clientView: 'It felt hurried' });
  });

  it('takes the list when it is newer, or when nothing was saved here', () => {
    const fetched = item({ version: 4, willChange: 'Ask me halfway' });
    expect(latestOf(fetched, undefined)).toBe(fetched);
    expect(latestOf(fetched, item({ version: 3 }))).toMatchObject({ version: 4, willChange: 'Ask me halfway' });
  });

  it('never takes back an acknowledgement or a closing either copy knows of', () => {
    const acknowledged = item({ version: 2, acknowledgedAt: '2026-12-02T10:05:00.000Z' });
    expect(latestOf(item({ version: 3 }), acknowledged)).toMatchObject({ version: 3, acknowledgedAt: '2026-12-02T10:05:00.000Z' });
    expect(latestOf(item({ version: 2 }), item({ version: 2, closedAt: '2026-12-02T10:09:00.000Z' })).closedAt).toBe('2026-12-02T10:09:00.000Z');
  });
});
