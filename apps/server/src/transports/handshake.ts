import type { IncomingHttpHeaders } from 'node:http';
import { CLOSE_CODES, type ErrorCode } from '@alliance/shared';
import type { Env } from '../env.js';
import { RoomError } from '../collab/errors.js';
import { trustedForwarded } from '../http/request-origin.js';
import { describeError, type Logger } from '../logger.js';

/**
 * Browsers send cookies with cross-site WebSocket handshakes, so a page elsewhere could open
 * a socket as the user (cross-site WebSocket hijacking). A handshake that names an Origin must
 * name ours: the Host it was sent to, PUBLIC_URL, or (behind a trusted proxy) the forwarded
 * host. Clients that send no Origin are not browsers and carry no ambient cookie.
 */
export function isAllowedOrigin(headers: IncomingHttpHeaders, env: Pick<Env, 'PUBLIC_URL' | 'TRUST_PROXY'>): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  let originHost: string;
  try {
    const url = new URL(origin);
    if (env.PUBLIC_URL && url.origin === new URL(env.PUBLIC_URL).origin) return true;
    originHost = url.host;
  } catch {
    return false;
  }
  if (headers.host && originHost === headers.host) return true;
  return trustedForwarded(headers['x-forwarded-host'], env.TRUST_PROXY) === originHost;
}

/**
 * Network buffers are often views into a larger pooled buffer. Decoders that trust a length
 * prefix would then read past the message into whatever follows; an exact copy makes such a
 * read throw instead.
 */
export function ownBytes(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !(data instanceof Buffer) ? data : new Uint8Array(data);
}

/** A refusal as clients see it: a named code and a message safe to show. */
export function toClientError(error: unknown, logger: Logger, event: string): { code: ErrorCode; message: string } {
  if (error instanceof RoomError) return { code: error.code, message: error.message };
  logger.error(event, describeError(error));
  return { code: 'LOAD_FAILED', message: 'Something went wrong on the server. Please try again.' };
}

/** The y-websocket close code for an error code (4400 when none is more specific). */
export function closeCodeFor(code: ErrorCode): number {
  return (CLOSE_CODES as Partial<Record<ErrorCode, number>>)[code] ?? (code === 'NOT_JOINED' || code === 'INTERNAL' ? CLOSE_CODES.LOAD_FAILED : CLOSE_CODES.INVALID_MESSAGE);
}
