import { randomUUID } from 'node:crypto';
import { WORKSPACE_CHANGES } from '@alliance/shared';
import { z } from 'zod';
import type { WorkspaceEvents, WorkspaceMessage } from '../events/workspace-events.js';
import { describeError, type Logger } from '../logger.js';
import type { RedisClient } from './connection.js';

/** A message on the channel: the workspace message and the process that sent it. */
const envelope = z.object({
  from: z.string().min(1).max(100),
  message: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('changed'), workspaceId: z.string().uuid(), change: z.enum(WORKSPACE_CHANGES) }),
    z.object({ kind: z.literal('archived'), workspaceId: z.string().uuid() }),
  ]),
});

/** How many messages wait for Redis to come back at most. */
const MAX_UNSENT = 1_000;

export interface WorkspaceChannel {
  /** Resolves once this process hears the channel (or when `subscribe` gives up waiting). */
  subscribed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Joins `events` of every server process through one Redis pub/sub channel. What happens here
 * is published tagged with this process's id; what arrives from another process is told to the
 * listeners here. A process's own messages come back on the channel too and are dropped: its
 * listeners heard them already, synchronously. One channel keeps each process's messages in
 * order, so an archive is never overtaken by the change that follows it.
 *
 * While Redis is unreachable each process goes on serving its own members; what it publishes
 * meanwhile goes out once Redis is back (members elsewhere hear of it late), and what it could
 * not hear meanwhile is the `afterGap` hook's to catch up.
 */
export function linkWorkspaceEvents(
  events: WorkspaceEvents,
  deps: {
    publisher: RedisClient;
    subscriber: RedisClient;
    channel: string;
    logger: Logger;
    /** Called each time the channel is heard (again): messages may have been missed before. */
    afterGap?: () => void;
  },
): WorkspaceChannel {
  const { publisher, subscriber, channel, logger } = deps;
  const processId = randomUUID();
  /** Messages Redis did not take (it was unreachable), sent again once it is back; past MAX_UNSENT the oldest are dropped. */
  const unsent: string[] = [];
  let publishFailed = false;
  const send = (payload: string) => {
    publisher.publish(channel, payload).then(
      () => (publishFailed = false),
      (error: unknown) => {
        if (unsent.push(payload) > MAX_UNSENT) unsent.shift();
        // Once per run of failures: the log is no place for one line per event.
        if (publishFailed) return;
        publishFailed = true;
        logger.warn('redis.publish_failed', { channel, ...describeError(error) });
      },
    );
  };
  const sendUnsent = () => unsent.splice(0).forEach(send);
  publisher.on('ready', sendUnsent);
  events.relayTo({ publish: (message: WorkspaceMessage) => send(JSON.stringify({ from: processId, message })) });

  const receive = (raw: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const result = envelope.safeParse(parsed);
    if (!result.success) return logger.warn('redis.message_ignored', { channel });
    if (result.data.from === processId) return;
    try {
      events.deliver(result.data.message);
    } catch (error) {
      logger.error('redis.delivery_failed', { kind: result.data.message.kind, ...describeError(error) });
    }
  };

  const subscribed = subscriber.subscribe(channel, receive).catch((error: unknown) => {
    logger.warn('redis.subscribe_failed', { channel, ...describeError(error) });
  });
  // The client subscribes again by itself on every (re)connection, before it is ready; what was
  // said while it was not is gone (and at startup, what was said before Redis first answered).
  const onReady = () => deps.afterGap?.();
  subscriber.on('ready', onReady);

  return {
    subscribed,
    close: async () => {
      events.relayTo(null);
      subscriber.off('ready', onReady);
      publisher.off('ready', sendUnsent);
      if (subscriber.isReady) await subscriber.unsubscribe(channel).catch(() => {});
    },
  };
}
