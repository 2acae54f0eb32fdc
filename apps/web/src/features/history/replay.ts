import type { HistoryChangeDto, TherapySessionDto } from '@alliance/shared';

/** A named point on the replay's track: where a session began or ended. */
export interface ReplayMarker {
  seq: number;
  label: string;
  kind: 'start' | 'end';
}

/** The last change at or before `time` (its seq), or the first one when everything came after. */
export function seqAt(changes: readonly HistoryChangeDto[], time: number): number {
  let low = 0;
  let high = changes.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (Date.parse(changes[middle]!.createdAt) <= time) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return (changes[Math.max(0, found)] ?? changes[0])?.seq ?? 0;
}

/** Each session's start and end as points of the history (as it stood when it began and when it ended). */
export function sessionMarkers(changes: readonly HistoryChangeDto[], sessions: readonly TherapySessionDto[]): ReplayMarker[] {
  if (changes.length === 0) return [];
  const markers: ReplayMarker[] = [];
  for (const session of [...sessions].sort((a, b) => a.number - b.number)) {
    markers.push({ seq: seqAt(changes, Date.parse(session.startedAt)), label: `Session ${session.number}`, kind: 'start' });
    if (session.endedAt) markers.push({ seq: seqAt(changes, Date.parse(session.endedAt)), label: `End of session ${session.number}`, kind: 'end' });
  }
  return markers;
}

/**
 * The points a replay shows, from `from` to `to`: about `count` evenly spread, plus every marker
 * between them, in order and without repeats.
 */
export function replayFrames(from: number, to: number, markers: readonly ReplayMarker[], count = 48): number[] {
  if (to <= from) return [to];
  const frames = new Set<number>();
  for (let index = 0; index <= count; index++) frames.add(Math.round(from + ((to - from) * index) / count));
  for (const marker of markers) if (marker.seq >= from && marker.seq <= to) frames.add(marker.seq);
  return [...frames].sort((a, b) => a - b);
}

/** The change that made the document what it is at `seq`: the last one at or before it. */
export function changeAt(changes: readonly HistoryChangeDto[], seq: number): HistoryChangeDto | null {
  let low = 0;
  let high = changes.length - 1;
  let found: HistoryChangeDto | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (changes[middle]!.seq <= seq) {
      found = changes[middle]!;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
