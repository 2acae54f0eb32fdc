import { createClient } from 'redis';
import { describeError, type Logger } from '../logger.js';

/** Longest wait between two attempts to reach Redis again. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/** Exponential backoff with some jitter, so several processes do not knock at once. */
export function reconnectDelay(retries: number): number {
  return Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** Math.min(retries, 10)) + Math.floor(Math.random() * 100);
}

const newClient = (url: string) => createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: reconnectDelay } });

export type RedisClient = ReturnType<typeof newClient>;

/**
 * A Redis client that never takes the server down: it keeps trying to reconnect (with backoff)
 * for as long as the server runs, and says once that Redis is unreachable and once that it is
 * back — not at every failed attempt. `role` names the connection in those log lines.
 */
export function createRedisClient(url: string, role: string, logger: Logger): RedisClient {
  const client = newClient(url);
  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return;
    down = true;
    logger.warn('redis.unavailable', { role, ...describeError(error) });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis.available', { role });
  });
  // The first connection is retried like any later one; `connect()` settles only when it is up
  // (or the client is closed first), so nobody waits on it.
  client.connect().catch(() => {});
  return client;
}

/** Resolves once the client is ready, or after `timeoutMs` (false) — the server starts either way. */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.once('ready', onReady);
  });
}

/** Closes the connection: gracefully when it is up, at once when it is not (queued commands are dropped). */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.isReady) {
    try {
      await client.close();
      return;
    } catch {
      // fall through to the forceful close
    }
  }
  if (client.isOpen) client.destroy();
}
