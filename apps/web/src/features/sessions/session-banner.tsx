import type { TherapySessionDto } from '@alliance/shared';
import { describeElapsed, formatElapsed } from '../../lib/elapsed.js';
import { useNow } from './use-therapy-sessions.js';

/**
 * "In session" with the time since it started. Announced once when it appears; the ticking
 * clock is a timer (not read out), its text for screen readers changes only by the minute.
 */
export function SessionBanner({ session }: { session: TherapySessionDto }) {
  const now = useNow(true);
  const elapsed = now - Date.parse(session.startedAt);
  return (
    <div className="session-banner" role="status">
      <span className="session-banner__pulse" aria-hidden="true" />
      <span className="session-banner__label">In session</span>
      <span className="session-banner__number">· Session {session.number}</span>
      <span className="session-banner__time" role="timer" aria-live="off">
        <span aria-hidden="true">{formatElapsed(elapsed)}</span>
        <span className="visually-hidden">{describeElapsed(elapsed)} so far</span>
      </span>
    </div>
  );
}
