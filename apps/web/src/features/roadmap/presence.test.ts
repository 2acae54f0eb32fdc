import { Awareness } from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AWAY_FIELD, EDITING_FIELD } from '../../lib/presence.js';
import { editorsOf, publishGoalEditing } from './presence.js';

/** Another client's awareness state, as it would arrive from the server. */
function remote(awareness: Awareness, clientId: number, state: Record<string, unknown>): void {
  awareness.states.set(clientId, state);
}

describe('who is editing which goal', () => {
  it('lists the other people working inside a goal, once each: not this tab, this person elsewhere, a background tab or a card', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalStateField('user', { id: 'dana', name: 'Dana', role: 'therapist' });
    publishGoalEditing(awareness, 'goal-1');
    remote(awareness, 101, { user: { id: 'sam', name: 'Sam Rivera', role: 'client' }, [EDITING_FIELD]: { kind: 'goal', id: 'goal-1' } });
    remote(awareness, 102, { user: { id: 'sam', name: 'Sam Rivera', role: 'client' }, [EDITING_FIELD]: { kind: 'goal', id: 'goal-1' } });
    remote(awareness, 103, { user: { id: 'dana', name: 'Dana', role: 'therapist' }, [EDITING_FIELD]: { kind: 'goal', id: 'goal-1' } });
    remote(awareness, 104, { user: { id: 'sam', name: 'Sam Rivera', role: 'client' }, [EDITING_FIELD]: { kind: 'goal', id: 'goal-2' } });
    remote(awareness, 105, { user: { id: 'kim', name: 'Kim', role: 'client' }, [EDITING_FIELD]: { kind: 'goal', id: 'goal-1' }, [AWAY_FIELD]: true });
    remote(awareness, 106, { user: { id: 'lee', name: 'Lee', role: 'client' }, [EDITING_FIELD]: { kind: 'card', id: 'goal-1' } });

    const editors = editorsOf(awareness, 'goal-1');
    expect(editors.map((editor) => editor.name)).toEqual(['Sam Rivera']);
    expect(editors[0]!.color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(editorsOf(awareness, 'goal-3')).toEqual([]);
  });

  it('ignores malformed states from the other side', () => {
    const awareness = new Awareness(new Y.Doc());
    remote(awareness, 201, { [EDITING_FIELD]: 'goal-1' });
    remote(awareness, 202, { [EDITING_FIELD]: { kind: 'goal', id: 7 } });
    remote(awareness, 203, { user: 'nobody', [EDITING_FIELD]: { kind: 'goal', id: 'goal-1' } });
    expect(editorsOf(awareness, 'goal-1').map((editor) => editor.name)).toEqual(['Someone']);
  });

  it('publishes and clears the local mark', () => {
    const awareness = new Awareness(new Y.Doc());
    publishGoalEditing(awareness, 'goal-1');
    expect(awareness.getLocalState()?.[EDITING_FIELD]).toEqual({ kind: 'goal', id: 'goal-1' });
    publishGoalEditing(awareness, null);
    expect(awareness.getLocalState()?.[EDITING_FIELD]).toBeNull();
  });
});
