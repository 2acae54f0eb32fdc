import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addGoal, changedSinceAgreed, setAgreement } from './roadmap.js';
import { diffWords, type TextRun } from './text-diff.js';

const side = (runs: TextRun[], kind: 'added' | 'removed') => runs.filter((run) => run.kind !== kind).map((run) => run.text).join('');

describe('a text change, word by word', () => {
  it('keeps what stayed and marks what was removed and added', () => {
    expect(diffWords('Sleep better at night', 'Sleep well at night')).toEqual([
      { kind: 'same', text: 'Sleep ' },
      { kind: 'removed', text: 'better' },
      { kind: 'added', text: 'well' },
      { kind: 'same', text: ' at night' },
    ]);
    expect(diffWords('Walk every day', 'Walk every day after lunch')).toEqual([
      { kind: 'same', text: 'Walk every day' },
      { kind: 'added', text: ' after lunch' },
    ]);
    expect(diffWords('', 'new words')).toEqual([{ kind: 'added', text: 'new words' }]);
    expect(diffWords('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
  });

  it('gives both texts back, on generated changes', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const words = ['I', 'want', 'to', 'sleep', 'better', 'and', 'walk', 'more', 'often', '\n'];
    const text = (length: number) => Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ');
    for (let round = 0; round < 200; round++) {
      const before = text(Math.floor(next() * 30));
      const after = text(Math.floor(next() * 30));
      const runs = diffWords(before, after);
      expect(side(runs, 'added')).toBe(before);
      expect(side(runs, 'removed')).toBe(after);
    }
    const long = 'word '.repeat(5_000);
    expect(side(diffWords(long, `${long}end`), 'removed')).toBe(`${long}end`);
  });
});

describe('an agreement is for the words agreed to', () => {
  it('tells whose agreement is for words that changed since', () => {
    const doc = new Y.Doc();
    const goal = addGoal(doc, { title: 'Sleep better', why: 'I am tired', proposedBy: 'client' });
    setAgreement(goal, 'client', true);
    setAgreement(goal, 'therapist', true);
    expect(changedSinceAgreed(goal)).toEqual([]);
    (goal.get('title') as Y.Text).insert(12, ' at night');
    expect(changedSinceAgreed(goal).map((change) => [change.role, change.title])).toEqual([
      ['therapist', { agreed: 'Sleep better', now: 'Sleep better at night' }],
      ['client', { agreed: 'Sleep better', now: 'Sleep better at night' }],
    ]);
    setAgreement(goal, 'client', true);
    expect(changedSinceAgreed(goal).map((change) => change.role)).toEqual(['therapist']);
  });
});
