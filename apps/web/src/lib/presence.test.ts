import { describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { describeActivity, peoplePresent, publishAway, publishEditing, readEditing } from './presence.js';

const dana = { id: 'd', name: 'Dana' };
const sam = { id: 's', name: 'Sam' };

describe('presence across documents', () => {
  it('lists each person once, the viewer first, away only when every tab is', () => {
    const people = peoplePresent(
      [
        { user: sam, away: true },
        { user: dana },
        { user: sam, away: false, editing: { kind: 'card', id: 'c1' } },
        { user: { id: 'x' } },
        {},
      ],
      'd',
    );
    expect(people).toEqual([
      { id: 'd', name: 'Dana', self: true, away: false, editing: null },
      { id: 's', name: 'Sam', self: false, away: false, editing: { kind: 'card', id: 'c1' } },
    ]);
    expect(peoplePresent([{ user: sam, away: true }], 'd')[0]?.away).toBe(true);
  });

  it('describes what someone is doing', () => {
    expect(describeActivity({ away: true, editing: { kind: 'goal', id: 'g' } })).toBe('away');
    expect(describeActivity({ away: false, editing: { kind: 'goal', id: 'g' } })).toBe('editing a goal');
    expect(describeActivity({ away: false, editing: { kind: 'card', id: 'c' } })).toBe('on a feedback card');
    expect(describeActivity({ away: false, editing: null })).toBeNull();
  });

  it('publishes editing and away in awareness, only when they change', () => {
    const awareness = new Awareness(new Y.Doc());
    let updates = 0;
    awareness.on('change', () => updates++);
    publishEditing(awareness, { kind: 'card', id: 'c1' });
    publishEditing(awareness, { kind: 'card', id: 'c1' });
    expect(readEditing(awareness.getLocalState())).toEqual({ kind: 'card', id: 'c1' });
    publishAway(awareness, true);
    publishAway(awareness, true);
    expect(awareness.getLocalState()?.away).toBe(true);
    publishEditing(awareness, null);
    expect(readEditing(awareness.getLocalState())).toBeNull();
    expect(updates).toBe(3);
    awareness.destroy();
  });
});
