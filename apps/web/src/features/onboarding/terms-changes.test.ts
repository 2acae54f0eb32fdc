import { TERMS_TEMPLATE, type TextRun } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { changedPieces, termsChanges, type TermsPieceChange } from './terms-changes.js';

const text = (runs: readonly TextRun[], keep: TextRun['kind'][]) => runs.filter((run) => keep.includes(run.kind)).map((run) => run.text).join('');
const after = (changes: readonly TermsPieceChange[]) => changes.filter((piece) => piece.change !== 'removed').map((piece) => text(piece.runs, ['same', 'added']));
const before = (changes: readonly TermsPieceChange[]) => changes.filter((piece) => piece.change !== 'added').map((piece) => text(piece.runs, ['same', 'removed']));

describe('what changed in How we work', () => {
  it('shows nothing changed for the same text', () => {
    const changes = termsChanges(TERMS_TEMPLATE, TERMS_TEMPLATE);
    expect(changedPieces(changes)).toBe(0);
    expect(changes.every((piece) => piece.change === 'same')).toBe(true);
  });

  it('marks the words reworded in a paragraph, keeping the rest as it was', () => {
    const changes = termsChanges('## Sessions\nTuesdays at 10:00, by video.', '## Sessions\nWednesdays at 10:00, by phone or video.');
    expect(changes).toEqual([
      { kind: 'heading', change: 'same', runs: [{ kind: 'same', text: 'Sessions' }] },
      {
        kind: 'paragraph',
        change: 'changed',
        runs: [
          { kind: 'removed', text: 'Tuesdays' },
          { kind: 'added', text: 'Wednesdays' },
          { kind: 'same', text: ' at 10:00, by ' },
          { kind: 'added', text: 'phone or ' },
          { kind: 'same', text: 'video.' },
        ],
      },
    ]);
    expect(changedPieces(changes)).toBe(1);
  });

  it('marks a new section and a removed list item whole, in the order of the new text', () => {
    const old = ['## Who can see what', '- Only the two of us', '- Your drafts are yours', '## Sessions', 'Tuesdays.'].join('\n');
    const next = ['## Who can see what', '- Only the two of us', '## Holidays', 'I tell you a month ahead.', '## Sessions', 'Tuesdays.'].join('\n');
    const changes = termsChanges(old, next);
    expect(changes.map((piece) => [piece.kind, piece.change, text(piece.runs, ['same', 'added', 'removed'])])).toEqual([
      ['heading', 'same', 'Who can see what'],
      ['item', 'same', 'Only the two of us'],
      ['item', 'removed', 'Your drafts are yours'],
      ['heading', 'added', 'Holidays'],
      ['paragraph', 'added', 'I tell you a month ahead.'],
      ['heading', 'same', 'Sessions'],
      ['paragraph', 'same', 'Tuesdays.'],
    ]);
  });

  it('gives back both texts: the new one without what was removed, the old one without what was added', () => {
    const next = TERMS_TEMPLATE.replace('[local crisis line]', 'Samaritans, 116 123')
      .replace('[Day and time of our sessions, how long they last, and how we meet.]', 'Tuesdays at 10:00, fifty minutes, by video.')
      .replace('## Cancellations', '## Holidays\nI tell you a month ahead.\n\n## Cancellations')
      .replace('- Only the two of us can open this workspace.\n', '');
    const changes = termsChanges(TERMS_TEMPLATE, next);
    expect(changedPieces(changes)).toBe(5);
    expect(after(changes)).toEqual(termsChanges(next, next).map((piece) => piece.runs[0]!.text));
    expect(before(changes)).toEqual(termsChanges(TERMS_TEMPLATE, TERMS_TEMPLATE).map((piece) => piece.runs[0]!.text));
  });

  it('shows a piece that changed kind as removed and added', () => {
    const changes = termsChanges('Call me on weekdays.', '- Call me on weekdays.');
    expect(changes.map((piece) => [piece.kind, piece.change])).toEqual([
      ['paragraph', 'removed'],
      ['item', 'added'],
    ]);
  });
});
