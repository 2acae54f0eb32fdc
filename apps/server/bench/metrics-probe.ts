import type { RuntimeMetrics } from '../src/routes/metrics.js';

export type ServerMetrics = RuntimeMetrics;

// Generous: on an overloaded machine a busy server answers late, and the watchdog bounds the run.
const REQUEST_TIMEOUT_MS = 120_000;

/** Reads a server's runtime figures (our /api/metrics, or the reference's copy of it). */
export async function fetchMetrics(baseUrl: string): Promise<ServerMetrics> {
  const response = await fetch(`${baseUrl}/api/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET /api/metrics → ${response.status} (is EXPOSE_METRICS set?)`);
  return (await response.json()) as ServerMetrics;
}

/** Starts a new event-loop delay window on the server. */
export async function resetMetrics(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/metrics/reset`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await response.arrayBuffer();
}

/** Full GC on the server (it runs with --expose-gc), twice so finalizers' garbage goes too. */
export async function collectGarbage(baseUrl: string): Promise<boolean> {
  let collected = false;
  for (let i = 0; i < 2; i++) {
    const response = await fetch(`${baseUrl}/api/metrics/gc`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    collected = ((await response.json()) as { collected: boolean }).collected;
  }
  return collected;
}

/** Polls until the server reports no open rooms (or it cannot tell), at most `timeoutMs`. */
export async function waitForRoomsClosed(baseUrl: string, timeoutMs = 30_000): Promise<{ closed: boolean; open: number | null }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { openRooms } = await fetchMetrics(baseUrl);
    if (openRooms === null) {
      // The registry cannot tell: give unloading (checkpoint writes) a moment instead.
      await new Promise((done) => setTimeout(done, 2_000));
      return { closed: false, open: null };
    }
    if (openRooms === 0) return { closed: true, open: 0 };
    if (performance.now() > deadline) return { closed: false, open: openRooms };
    await new Promise((done) => setTimeout(done, 50));
  }
}
