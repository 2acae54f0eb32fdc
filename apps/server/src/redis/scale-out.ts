import type { WorkspaceEvents } from '../events/workspace-events.js';
import type { Logger } from '../logger.js';
import type { RateLimitStore } from '../middleware/rate-limit.js';
import type { DocRelay } from '../collab/relay.js';
import { closeRedisClient, createRedisClient } from './connection.js';
import { createDocRelay } from './doc-relay.js';
import { linkWorkspaceEvents } from './workspace-channel.js';

/** How long startup waits to hear the channel before it serves anyway (Redis may be down). */
const SUBSCRIBE_WAIT_MS = 3_000;

export interface ScaleOut {
  /** The rate limits' counters in Redis (in `whenUnreachable` while Redis is down). */
  rateLimitStore: RateLimitStore;
  /** Documents open on several processes: their channels and the requests to their owners. */
  relay: DocRelay;
  /** Leaves the channel and closes both connections (after the transports have stopped). */
  close(): Promise<void>;
}

/**
 * One server process among several: its workspace events go to and come from the others over
 * Redis, and the rate limits count there. Two connections, as Redis wants: a subscriber only
 * listens. Redis being down at startup does not stop the server: it serves its own members and
 * catches up with the others once Redis answers.
 */
export async function joinOtherProcesses(options: {
  url: string;
  prefix: string;
  events: WorkspaceEvents;
  logger: Logger;
  /** Catches up with what may have been missed while the channel was not heard (see linkWorkspaceEvents). */
  afterGap: () => void;
  whenUnreachable: Exclude<RateLimitStore, { kind: 'redis' }>;
}): Promise<ScaleOut> {
  const { url, prefix, events, logger } = options;
  const publisher = createRedisClient(url, 'commands', logger);
  const subscriber = createRedisClient(url, 'subscriber', logger);
  const relay = createDocRelay({ publisher, subscriber, prefix, logger });
  const channel = linkWorkspaceEvents(events, { publisher, subscriber, channel: `${prefix}:workspace-events`, logger, afterGap: options.afterGap });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([channel.subscribed, new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)))]);
  clearTimeout(timer);
  return {
    rateLimitStore: { kind: 'redis', client: publisher, keyPrefix: `${prefix}:rate`, whenUnreachable: options.whenUnreachable },
    relay,
    close: async () => {
      await relay.close();
      await channel.close();
      await Promise.all([closeRedisClient(subscriber), closeRedisClient(publisher)]);
    },
  };
}
