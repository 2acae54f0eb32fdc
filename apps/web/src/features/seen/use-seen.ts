import type { SeenArea } from '@alliance/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { getSeen, markSeen as sendMarkSeen } from '../../lib/api.js';

export interface Seen {
  /**
   * When the person last looked at the area before this visit: an ISO time, null when they never
   * did, undefined while it is loading (or could not be loaded). It stays as it was for the whole
   * visit, so what was new when they arrived stays marked while they are here.
   */
  seenAt: string | null | undefined;
  /** Records a look at the area now (best effort: a lost look only leaves a mark for next time). */
  markSeen: () => void;
}

export interface SeenOptions {
  /** Load and record nothing (e.g. in an archive, where nothing new can appear). Default true. */
  enabled?: boolean;
  /**
   * Record the look as the visit begins (once the last one is known) and again as it ends — the
   * component unmounts or the page is hidden — so what arrived while the person watched is not new
   * next time. Default true.
   */
  recordVisit?: boolean;
}

/**
 * The person's last look at one area of a workspace (`board`, `checkins`, `repairs`), for
 * marking what the other person added since: `isNewSince(item.createdAt, seenAt)`.
 */
export function useSeen(workspaceId: string, area: SeenArea, { enabled = true, recordVisit = true }: SeenOptions = {}): Seen {
  const [seenAt, setSeenAt] = useState<string | null | undefined>(undefined);
  const markSeen = useCallback(() => {
    if (enabled) sendMarkSeen(workspaceId, area).catch(() => undefined);
  }, [workspaceId, area, enabled]);
  const latestMark = useRef(markSeen);
  useEffect(() => {
    latestMark.current = markSeen;
  });

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    // A visit that ends before its last look is known records nothing: the look it would record
    // could come before the read and hide what was new.
    let loaded = false;
    getSeen(workspaceId).then(
      (dto) => {
        if (!current) return;
        loaded = true;
        setSeenAt(dto.seen[area]);
        if (recordVisit) latestMark.current();
      },
      () => undefined,
    );
    if (!recordVisit) {
      return () => {
        current = false;
      };
    }
    const onHidden = () => {
      if (loaded && document.visibilityState === 'hidden') latestMark.current();
    };
    document.addEventListener('visibilitychange', onHidden);
    return () => {
      current = false;
      document.removeEventListener('visibilitychange', onHidden);
      if (loaded) latestMark.current();
    };
  }, [workspaceId, area, enabled, recordVisit]);

  return { seenAt: enabled ? seenAt : undefined, markSeen };
}
