import { randomUUID } from 'node:crypto';
import { DOC_NAMES, ERROR_CODES } from '@alliance/shared';
import { z } from 'zod';
import type { DocChannel, DocMessage, DocRelay, ForwardAnswer, ForwardRequest } from '../collab/relay.js';
import { describeError, type Logger } from '../logger.js';
import type { RedisClient } from './connection.js';

/** Binary fields travel as base64 inside JSON: small, and one format for every message. */
const bytes = z.string().max(16 * 1024 * 1024).transform((text) => new Uint8Array(Buffer.from(text, 'base64')));
const id = z.string().min(1).max(100);
const uuid = z.string().uuid();
const count = z.number().int().nonnegative();

const docMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), from: id, token: count, seq: count, update: bytes, via: id.nullable() }),
  z.object({ kind: z.literal('awareness'), from: id, update: bytes }),
  z.object({ kind: z.literal('released'), from: id, token: count }),
  z.object({ kind: z.literal('following'), from: id }),
]);

const origin = z.object({
  author: z.discriminatedUnion('kind', [z.object({ kind: z.literal('member'), userId: uuid }), z.object({ kind: z.literal('server') })]),
  role: z.enum(['therapist', 'client']),
  reason: z.string().max(100).nullable(),
});

const request = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), workspaceId: uuid, doc: z.enum(DOC_NAMES), token: count, origin, via: id.nullable(), update: bytes }),
  z.object({
    kind: z.literal('version'),
    workspaceId: uuid,
    doc: z.enum(DOC_NAMES),
    token: count,
    label: z.string().max(1_000).nullable(),
    versionKind: z.enum(['periodic', 'session', 'named']),
    userId: uuid.nullable(),
  }),
]);

const answer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accepted'), seq: count.nullable() }),
  z.object({ kind: z.literal('stored') }),
  z.object({
    kind: z.literal('version'),
    version: z.object({
      id: uuid,
      document_id: uuid,
      seq: count,
      kind: z.enum(['periodic', 'session', 'named']),
      label: z.string().nullable(),
      created_by: uuid.nullable(),
      created_at: z.string().transform((text) => new Date(text)),
    }),
  }),
  z.object({ kind: z.literal('refused'), code: z.enum(ERROR_CODES), message: z.string().max(1_000) }),
]);

const inboxMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id, replyTo: id, request }),
  z.object({ type: z.literal('answer'), id, answer }),
]);

/**
 * A document channel's message starts with the sending process's id and a space: each process
 * hears its own messages too, and drops them without reading further.
 */
const tagged = (from: string, body: string) => `${from} ${body}`;

/** Uint8Arrays as base64 strings, everything else as JSON has it. */
const encode = (value: unknown): string => JSON.stringify(value, (_key, field: unknown) => (field instanceof Uint8Array ? Buffer.from(field).toString('base64') : field));

function decode<T>(schema: z.ZodType<T>, raw: string): T | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : null;
}

interface Waiting {
  answer: (answer: ForwardAnswer) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * The document relay over Redis pub/sub (see collab/relay.ts): a channel per open document
 * (`<prefix>:doc:<id>`) that every process with it open hears, and an inbox per process
 * (`<prefix>:process:<id>`) for requests to an owner and their answers. Redis keeps nothing
 * here: what a process misses while Redis is away, it reads from the update log (onGap).
 */
export function createDocRelay(deps: { publisher: RedisClient; subscriber: RedisClient; prefix: string; logger: Logger }): DocRelay & { close(): Promise<void> } {
  const { publisher, subscriber, prefix, logger } = deps;
  const processId = randomUUID();
  const inbox = `${prefix}:process:${processId}`;
  const waiting = new Map<string, Waiting>();
  const gapListeners: (() => void)[] = [];
  let serveRequest: ((request: ForwardRequest, reply: (answer: ForwardAnswer) => void) => void) | null = null;
  let publishFailed = false;

  const send = (channel: string, payload: string) => {
    publisher.publish(channel, payload).then(
      () => (publishFailed = false),
      (error: unknown) => {
        // What does not go out is caught up from the database (updates) or renewed (presence).
        if (publishFailed) return;
        publishFailed = true;
        logger.warn('redis.publish_failed', { channel: 'documents', ...describeError(error) });
      },
    );
  };

  const receiveInbox = (raw: string) => {
    const message = decode(inboxMessage, raw);
    if (!message) return logger.warn('redis.message_ignored', { channel: 'process' });
    if (message.type === 'answer') {
      const entry = waiting.get(message.id);
      if (!entry) return;
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      const last = message.answer.kind !== 'accepted';
      if (last) waiting.delete(message.id);
      entry.answer(message.answer as ForwardAnswer);
      return;
    }
    const replyTo = `${prefix}:process:${message.replyTo}`;
    const reply = (answer: ForwardAnswer) => send(replyTo, encode({ type: 'answer', id: message.id, answer }));
    if (!serveRequest) return reply({ kind: 'refused', code: 'NOT_JOINED', message: 'The document moved; joining again.' });
    try {
      serveRequest(message.request as ForwardRequest, reply);
    } catch (error) {
      logger.error('relay.request_failed', { kind: message.request.kind, ...describeError(error) });
      reply({ kind: 'refused', code: 'INTERNAL', message: 'The change could not be handled; please try again.' });
    }
  };
  const inboxReady = subscriber.subscribe(inbox, receiveInbox).catch((error: unknown) => logger.warn('redis.subscribe_failed', { channel: 'process', ...describeError(error) }));
  let heard = false;
  const onReady = () => {
    // The first time is the start; every later one follows an outage.
    if (!heard) {
      heard = true;
      return;
    }
    for (const listener of gapListeners) listener();
  };
  subscriber.on('ready', onReady);
  if (subscriber.isReady) heard = true;

  return {
    processId,

    follow(documentId) {
      const channel = `${prefix}:doc:${documentId}`;
      const early: DocMessage[] = [];
      let deliver: ((message: DocMessage) => void) | null = null;
      let closed = false;
      const own = `${processId} `;
      const receive = (raw: string) => {
        if (closed || raw.startsWith(own)) return;
        const space = raw.indexOf(' ');
        const message = space > 0 ? (decode(docMessage, raw.slice(space + 1)) as DocMessage | null) : null;
        if (!message || message.from !== raw.slice(0, space)) return logger.warn('redis.message_ignored', { channel: 'document' });
        if (deliver) deliver(message);
        else early.push(message);
      };
      const ready = subscriber.subscribe(channel, receive);
      ready.catch(() => {});
      return {
        ready,
        listen(listener) {
          deliver = listener;
          for (const message of early.splice(0)) listener(message);
        },
        publish: (message) => send(channel, tagged(message.from, encode(message))),
        async listeners() {
          try {
            const counts = (await publisher.pubSubNumSub(channel)) as unknown as Record<string, number>;
            return Number(counts[channel] ?? 0);
          } catch {
            return 0;
          }
        },
        close() {
          if (closed) return;
          closed = true;
          if (subscriber.isReady) subscriber.unsubscribe(channel, receive).catch(() => {});
        },
      } satisfies DocChannel;
    },

    forward(to, requestToSend, onAnswer, timeoutMs) {
      const requestId = randomUUID();
      const entry: Waiting = { answer: onAnswer, timer: null };
      entry.timer = setTimeout(() => {
        waiting.delete(requestId);
        onAnswer({ kind: 'refused', code: 'NOT_SAVED', message: 'This edit was not saved; it is kept on your device and sent again when you reconnect.' });
      }, timeoutMs);
      entry.timer.unref();
      waiting.set(requestId, entry);
      send(`${prefix}:process:${to}`, encode({ type: 'request', id: requestId, replyTo: processId, request: requestToSend }));
      return () => {
        if (entry.timer) clearTimeout(entry.timer);
        waiting.delete(requestId);
      };
    },

    serve(handler) {
      serveRequest = handler;
    },

    onGap(listener) {
      gapListeners.push(listener);
    },

    async close() {
      subscriber.off('ready', onReady);
      await inboxReady;
      for (const entry of waiting.values()) if (entry.timer) clearTimeout(entry.timer);
      waiting.clear();
      if (subscriber.isReady) await subscriber.unsubscribe(inbox).catch(() => {});
    },
  };
}
