import type { TherapySessionDto, TherapySessionsDto } from '@alliance/shared';
import { useEffect, useState } from 'react';
import { getTherapySessions } from '../../lib/api.js';
import { useResource, type Resource } from '../../lib/use-resource.js';

/** How often the open workspace asks whether a session has started or ended (a cheap request). */
export const SESSIONS_POLL_MS = 10_000;

/** The workspace's live sessions, kept fresh so the "In session" banner appears for both. */
export function useTherapySessions(workspaceId: string): Resource<TherapySessionsDto> {
  return useResource(`sessions:${workspaceId}`, () => getTherapySessions(workspaceId), { workspaceId, pollMs: SESSIONS_POLL_MS });
}

/** The time now, ticking every second while `running`. */
export function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [running]);
  return now;
}

/** How long after a session ends the client is offered to say how it was. */
export const AFTER_SESSION_WINDOW_MS = 12 * 60 * 60_000;

/** The session just ended that the client may give feedback on, if any. */
export function sessionToReflectOn(data: TherapySessionsDto, now: number): TherapySessionDto | null {
  if (data.current) return null;
  const latest = data.sessions.filter((session) => session.endedAt).sort((a, b) => b.number - a.number)[0];
  if (!latest?.endedAt) return null;
  return now - Date.parse(latest.endedAt) <= AFTER_SESSION_WINDOW_MS ? latest : null;
}
