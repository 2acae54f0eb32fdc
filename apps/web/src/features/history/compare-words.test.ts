import type { DocChange } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { byline, describeChange, groupChanges, restoreTarget } from './compare-words.js';

const dana = { kind: 'member', userId: 'u-dana', role: 'therapist', name: 'Dana Whitfield' } as const;
const at = '2026-12-01T22:10:00.000Z';
const renamed: DocChange = { kind: 'goal.renamed', goalId: 'g1', goal: 'Sleep well', runs: [{ kind: 'same', text: 'Sleep ' }, { kind: 'removed', text: 'better' }, { kind: 'added', text: 'well' }], actor: dana, at };
const stepDone: DocChange = { kind: 'step.done', goalId: 'g1', goal: 'Sleep well', stepId: 's1', text: 'lights out', done: true, actor: null, at: null };
const removed: DocChange = { kind: 'goal.removed', goalId: 'g2', goal: 'Walk', actor: { kind: 'server', reason: 'restore' }, at };
const moved: DocChange = { kind: 'card.moved', cardId: 'c1', card: 'I felt rushed', from: 'power', to: 'process', actor: dana, at };

describe('a comparison in words', () => {
  it('groups changes by goal and card, and marks the ones removed', () => {
    expect(groupChanges([renamed, removed, stepDone, moved]).map((group) => [group.subject, group.title, group.removed, group.changes.length])).toEqual([
      ['goal', 'Sleep well', false, 2],
      ['goal', 'Walk', true, 1],
      ['card', 'I felt rushed', false, 1],
    ]);
  });

  it('says what each change did, with the words changed, who and when', () => {
    expect(describeChange(renamed)).toEqual({ what: 'Goal renamed', runs: renamed.runs });
    expect(describeChange(stepDone).what).toBe('Step done: “lights out”');
    expect(describeChange(moved).what).toBe('Card moved from “How power feels here” to “The process”');
    expect(byline(renamed, 'u-sam', { locale: 'en-GB', timeZone: 'UTC', now: new Date('2026-06-01T12:00:00Z') })).toBe('by Dana Whitfield · 1 Dec, 22:10');
    expect(byline(renamed, 'u-sam', { locale: 'en-GB', timeZone: 'UTC', now: new Date('2027-06-01T12:00:00Z') })).toBe('by Dana Whitfield · 1 Dec 2026, 22:10');
    const agreed: DocChange = { kind: 'goal.agreement', goalId: 'g1', goal: 'Sleep well', role: 'therapist', agreed: true, actor: dana, at };
    expect(`${describeChange(agreed).what} ${byline(agreed, 'u-sam')}`).toMatch(/^Agreement given by Dana Whitfield · /);
    expect(describeChange({ ...agreed, agreed: false, actor: null, at: null }).what).toBe('Agreement withdrawn by the therapist');
    expect(byline(renamed, 'u-dana', { locale: 'en-GB', timeZone: 'UTC' })).toMatch(/^by you · /);
    expect(byline(removed, 'u-sam')).toMatch(/^by Alliance · /);
    expect(byline(stepDone, 'u-sam')).toBe('');
  });

  it('offers a restore only for a goal, step or card removed', () => {
    expect(restoreTarget(removed)).toEqual({ goalId: 'g2' });
    expect(restoreTarget({ ...stepDone, kind: 'step.removed' } as DocChange)).toEqual({ goalId: 'g1', stepId: 's1' });
    expect(restoreTarget({ kind: 'card.removed', cardId: 'c1', card: 'x', column: 'power', actor: null, at: null })).toEqual({ cardId: 'c1' });
    expect(restoreTarget(renamed)).toBeNull();
  });
});
