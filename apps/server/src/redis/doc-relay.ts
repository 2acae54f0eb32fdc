import { randomUUID } from 'node:crypto';
import { DOC_NAMES, ERROR_CODES } from '@alliance/shared';
import { z } from 'zod';
import type { AnswerAddress, DocChannel, DocMessage, DocRelay, ForwardAnswer, ForwardRequest } from '../collab/relay.js';
import { describeError, type Logger } from '../logger.js';
import type { RedisClient } from './connection.js';

const id = z.string().min(1).max(100);
const uuid = z.string().uuid();
const count = z.number().int().nonnegative();

// Headers only: an update's bytes travel after the header, as they are (see frame()).
const docMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), from: id, token: count, seq: count, via: id.nullable(), answers: z.object({ to: id, id }).nullable() }),
  z.object({ kind: z.literal('awareness'), from: id }),
  z.object({ kind: z.literal('released'), from: id, token: count }),
]);

const origin = z.object({
  author: z.discriminatedUnion('kind', [z.object({ kind: z.literal('member'), userId: uuid }), z.object({ kind: z.literal('server') })]),
  role: z.enum(['therapist', 'client']),
  reason: z.string().max(100).nullable(),
});

const request = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('update'), workspaceId: uuid, doc: z.enum(DOC_NAMES), token: count, origin, via: id.nullable() }),
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
  z.object({ kind: z.literal('stored'), seq: count.nullable() }),
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
  z.object({ type: z.literal('following'), documents: z.array(uuid).max(100_000) }),
]);

const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * A message on the wire: the sending process's id, a space, a JSON header, a newline, then the
 * update's bytes as they are (JSON never holds a raw newline, so the first one ends the header).
 * Each process hears its own channel messages too and drops them by the id, unread; no update
 * is ever turned into text and back.
 */
function frame(from: string, header: object, payload?: Uint8Array): Buffer {
  const head = Buffer.from(`${from} ${JSON.stringify(header)}\n`);
  return payload ? Buffer.concat([head, payload]) : head;
}

interface Unframed<T> {
  from: string;
  header: T;
  payload: Uint8Array;
}

function unframe<T>(schema: z.ZodType<T>, raw: Buffer): Unframed<T> | null {
  const space = raw.indexOf(SPACE);
  const newline = space > 0 ? raw.indexOf(NEWLINE, space) : -1;
  if (newline < 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8', space + 1, newline));
  } catch {
    return null;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) return null;
  // A copy: the buffer may be a view of the connection's own.
  return { from: raw.toString('utf8', 0, space), header: result.data, payload: new Uint8Array(raw.subarray(newline + 1)) };
}

interface Waiting {
  answer: (answer: ForwardAnswer) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * The document relay over Redis pub/sub (see collab/relay.ts): two channels per open document,
 * `<prefix>:doc:<id>` for presence, which every process with it open hears, and
 * `<prefix>:doc:<id>:updates` for the owner's updates, which its followers hear; an inbox per process
 * (`<prefix>:process:<id>`) for requests to an owner and their answers. Redis keeps nothing
 * here: what a process misses while Redis is away, it reads from the update log (onGap).
 */
export function createDocRelay(deps: { publisher: RedisClient; subscriber: RedisClient; prefix: string; logger: Logger }): DocRelay & { close(): Promise<void> } {
  const { publisher, subscriber, prefix, logger } = deps;
  const processId = randomUUID();
  const inbox = `${prefix}:process:${processId}`;
  const waiting = new Map<string, Waiting>();
  const gapListeners: (() => void)[] = [];
  const followingListeners: ((documentIds: string[]) => void)[] = [];
  let serveRequest: ((request: ForwardRequest, reply: (answer: ForwardAnswer) => void, address: AnswerAddress) => void) | null = null;
  let publishFailed = false;

  let nextRequest = 0;
  const send = (channel: string, payload: Buffer) => {
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

  /** An answer to a request this process forwarded, from its inbox or on a document's channel. */
  const settle = (requestId: string, answer: ForwardAnswer) => {
    const entry = waiting.get(requestId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    if (answer.kind !== 'accepted') waiting.delete(requestId);
    entry.answer(answer);
  };

  const receiveInbox = (raw: Buffer) => {
    const unframed = unframe(inboxMessage, raw);
    if (!unframed) return logger.warn('redis.message_ignored', { channel: 'process' });
    const message = unframed.header;
    if (message.type === 'following') {
      for (const listener of followingListeners) listener(message.documents);
      return;
    }
    if (message.type === 'answer') return settle(message.id, message.answer as ForwardAnswer);
    const replyTo = `${prefix}:process:${message.replyTo}`;
    const reply = (answer: ForwardAnswer) => send(replyTo, frame(processId, { type: 'answer', id: message.id, answer }));
    if (!serveRequest) return reply({ kind: 'refused', code: 'NOT_JOINED', message: 'The document moved; joining again.' });
    const request = (message.request.kind === 'update' ? { ...message.request, update: unframed.payload } : message.request) as ForwardRequest;
    try {
      serveRequest(request, reply, { to: message.replyTo, id: message.id });
    } catch (error) {
      logger.error('relay.request_failed', { kind: message.request.kind, ...describeError(error) });
      reply({ kind: 'refused', code: 'INTERNAL', message: 'The change could not be handled; please try again.' });
    }
  };
  const inboxReady = subscriber.subscribe(inbox, receiveInbox, true).catch((error: unknown) => logger.warn('redis.subscribe_failed', { channel: 'process', ...describeError(error) }));
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

    follow(documentId, role) {
      // Presence from every process; the owner's updates (and its letting go) for followers
      // alone, so the owner never hears its own updates back.
      const channel = `${prefix}:doc:${documentId}`;
      const updates = `${channel}:updates`;
      const heard = role === 'follower' ? [channel, updates] : [channel];
      const early: DocMessage[] = [];
      let deliver: ((message: DocMessage) => void) | null = null;
      let closed = false;
      const own = Buffer.from(`${processId} `);
      const receive = (raw: Buffer) => {
        if (closed || (raw.length >= own.length && own.equals(raw.subarray(0, own.length)))) return;
        const unframed = unframe(docMessage, raw);
        if (!unframed || unframed.header.from !== unframed.from) return logger.warn('redis.message_ignored', { channel: 'document' });
        const { header } = unframed;
        const message = (header.kind === 'update' || header.kind === 'awareness' ? { ...header, update: unframed.payload } : header) as DocMessage;
        if (deliver) hand(deliver, message);
        else early.push(message);
      };
      // The replica takes the update first, then its sender hears that it is stored (as when the answer comes on its own).
      const hand = (listener: (message: DocMessage) => void, message: DocMessage) => {
        listener(message);
        if (message.kind === 'update' && message.answers?.to === processId) settle(message.answers.id, { kind: 'stored', seq: message.seq });
      };
      const ready = subscriber.subscribe(heard, receive, true);
      ready.catch(() => {});
      return {
        ready,
        listen(listener) {
          deliver = listener;
          for (const message of early.splice(0)) hand(listener, message);
        },
        publish: (message) => {
          if (message.kind === 'released') return send(updates, frame(message.from, message));
          const { update, ...header } = message;
          send(message.kind === 'update' ? updates : channel, frame(message.from, header, update));
        },
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
          if (subscriber.isReady) subscriber.unsubscribe(heard, receive, true).catch(() => {});
        },
      } satisfies DocChannel;
    },

    forward(to, requestToSend, onAnswer, timeoutMs) {
      const requestId = String(++nextRequest);
      const entry: Waiting = { answer: onAnswer, timer: null };
      entry.timer = setTimeout(() => {
        waiting.delete(requestId);
        onAnswer({ kind: 'refused', code: 'NOT_SAVED', message: 'This edit was not saved; it is kept on your device and sent again when you reconnect.' });
      }, timeoutMs);
      entry.timer.unref();
      waiting.set(requestId, entry);
      if (requestToSend.kind === 'update') {
        const { update, ...header } = requestToSend;
        send(`${prefix}:process:${to}`, frame(processId, { type: 'request', id: requestId, replyTo: processId, request: header }, update));
      } else send(`${prefix}:process:${to}`, frame(processId, { type: 'request', id: requestId, replyTo: processId, request: requestToSend }));
      return () => {
        if (entry.timer) clearTimeout(entry.timer);
        waiting.delete(requestId);
      };
    },

    serve(handler) {
      serveRequest = handler;
    },

    tellFollowing(owner, documentIds) {
      if (documentIds.length > 0) send(`${prefix}:process:${owner}`, frame(processId, { type: 'following', documents: documentIds }));
    },

    onFollowing(listener) {
      followingListeners.push(listener);
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
