import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { describeActivity, peoplePresent, publishAway, type Person } from '../lib/presence.js';
import type { DocSession } from '../sync/doc-session.js';
import { awarenessStore } from '../sync/y-store.js';

/** The people present in any of `sessions`, re-read only when that list really changes. */
function usePeople(sessions: readonly DocSession[], selfId: string): Person[] {
  const stores = useMemo(() => sessions.map((session) => awarenessStore(session.awareness)), [sessions]);
  const signature = useSyncExternalStore(
    (onChange) => {
      const stops = stores.map((store) => store.subscribe(onChange));
      return () => stops.forEach((stop) => stop());
    },
    () => JSON.stringify(peoplePresent(stores.flatMap((store) => [...store.getSnapshot().values()]), selfId)),
  );
  return useMemo(() => JSON.parse(signature) as Person[], [signature]);
}

/** Tells the others in `sessions` when this tab goes to the background and comes back. */
export function usePublishAway(sessions: readonly DocSession[]): void {
  useEffect(() => {
    const update = () => {
      for (const session of sessions) publishAway(session.awareness, document.visibilityState === 'hidden');
    };
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [sessions]);
}

/**
 * Who has the workspace open right now (one entry per person, however many tabs and
 * documents), whether they are away, and what they are working on.
 */
export function PresenceList({ sessions, selfId }: { sessions: readonly DocSession[]; selfId: string }) {
  const list = usePeople(sessions, selfId);
  if (list.length === 0) return null;
  return (
    <div className="presence">
      <span className="visually-hidden">Here now:</span>
      <ul className="presence__list">
        {list.map((person) => {
          const activity = person.self ? null : describeActivity(person);
          const classes = ['presence__person', person.self && 'presence__person--self', person.away && 'presence__person--away'].filter(Boolean).join(' ');
          return (
            <li key={person.id} className={classes} title={person.self ? `${person.name} (you)` : `${person.name} is ${person.away ? 'away' : 'here'}`}>
              <span className="presence__avatar" aria-hidden="true">
                {initials(person.name)}
                <span className="presence__dot" />
              </span>
              <span className="presence__name">{person.self ? 'You' : person.name}</span>
              {activity && <span className="presence__activity"> · {activity}</span>}
              {!person.self && !activity && <span className="visually-hidden"> (online)</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((part) => [...(part ?? '')][0]?.toUpperCase() ?? '').join('') || '?';
}
