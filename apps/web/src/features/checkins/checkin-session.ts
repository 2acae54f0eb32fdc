import type { CheckinDto, TherapySessionDto, TherapySessionsDto } from '@alliance/shared';

/**
 * The session whose check-in is open: the latest one, once it has ended and while no later
 * session has started. Null during a session and before the first.
 */
export function openCheckinSession(data: TherapySessionsDto): TherapySessionDto | null {
  if (data.current) return null;
  const latest = [...data.sessions].sort((a, b) => b.number - a.number)[0];
  return latest?.endedAt ? latest : null;
}

/** The client's check-in on a session, if they answered it. */
export function checkinFor(checkins: readonly CheckinDto[], sessionId: string): CheckinDto | null {
  return checkins.find((checkin) => checkin.sessionId === sessionId) ?? null;
}
