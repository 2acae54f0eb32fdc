import { addCard, addGoal, createHomework, createReply, createStep, createStrategy, getCards, goalList, seedRoadmap } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardColumns, readVersion } from './version-content.js';

describe('readVersion', () => {
  it('reads a roadmap version: goals with their steps, strategies, homework and agreement, archived ones apart', () => {
    const live = new Y.Doc();
    seedRoadmap(live, 'Sam — our roadmap');
    const goal = addGoal(live, { title: 'Sleep better', why: 'Mornings feel calmer', proposedBy: 'therapist' });
    goal.set('status', 'agreed');
    (goal.get('agreedBy') as Y.Map<string>).set('client', '2026-11-23T18:00:00Z');
    const step = createStep('Lights out by 23:00');
    goalList(goal, 'steps')!.push([step, createStep('No screens in bed')]);
    step.set('done', true);
    goalList(goal, 'strategies')!.push([createStrategy('Breathing 4-7-8')]);
    goalList(goal, 'homework')!.push([createHomework('Sleep diary', { due: '2026-11-30' })]);
    const archived = addGoal(live, { title: 'Run a marathon', proposedBy: 'client' });
    archived.set('archived', true);

    const content = readVersion('roadmap', Y.encodeStateAsUpdate(live));
    if (content.doc !== 'roadmap') throw new Error('expected a roadmap');
    expect(content.title).toBe('Sam — our roadmap');
    expect(content.goals).toHaveLength(1);
    const [sleep] = content.goals;
    expect(sleep).toMatchObject({ title: 'Sleep better', why: 'Mornings feel calmer', status: 'agreed', agreedBy: { client: '2026-11-23T18:00:00Z' } });
    expect(sleep!.steps.map((s) => [s.text, s.done])).toEqual([
      ['Lights out by 23:00', true],
      ['No screens in bed', false],
    ]);
    expect(sleep!.strategies.map((s) => s.text)).toEqual(['Breathing 4-7-8']);
    expect(sleep!.homework.map((h) => [h.text, h.due, h.done])).toEqual([['Sleep diary', '2026-11-30', false]]);
    expect(content.archived.map((g) => g.title)).toEqual(['Run a marathon']);
  });

  it('reads a board version by column, with replies, and leaves the live document alone', () => {
    const live = new Y.Doc();
    const card = addCard(live, 'power', 'I felt rushed');
    (card.get('replies') as Y.Array<Y.Map<unknown>>).push([createReply('therapist', 'Thank you for saying so')]);
    card.set('flag', 'talk');
    addCard(live, 'working', 'The breathing helps');
    const state = Y.encodeStateAsUpdate(live);
    let changed = false;
    live.on('update', () => (changed = true));

    const content = readVersion('feedback', state);
    if (content.doc !== 'feedback') throw new Error('expected a board');
    expect(content.cardCount).toBe(2);
    expect(content.columns.map((column) => [column.label, column.cards.map((c) => c.text)])).toEqual([
      ['What is working', ['The breathing helps']],
      ['What I would change', []],
      ['How power feels here', ['I felt rushed']],
      ['The process', []],
    ]);
    expect(content.columns[2]!.cards[0]).toMatchObject({ flag: 'talk', replies: [{ text: 'Thank you for saying so', authorRole: 'therapist' }] });
    expect(changed).toBe(false);
    expect(getCards(live).length).toBe(2);
  });

  it('reads an empty document as empty', () => {
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    expect(readVersion('roadmap', empty)).toEqual({ doc: 'roadmap', title: '', goals: [], archived: [] });
    const board = readVersion('feedback', empty);
    expect(board.doc === 'feedback' && board.cardCount).toBe(0);
  });
});

describe('boardColumns', () => {
  it('keeps the board’s column order even when columns are empty', () => {
    expect(boardColumns([]).map((column) => column.column)).toEqual(['working', 'change', 'power', 'process']);
  });
});
