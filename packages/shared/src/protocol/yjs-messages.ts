import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

/** y-websocket's outer message types. */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

export const SYNC_STEP_1 = syncProtocol.messageYjsSyncStep1;
export const SYNC_STEP_2 = syncProtocol.messageYjsSyncStep2;
export const SYNC_UPDATE = syncProtocol.messageYjsUpdate;

export type SyncMessage =
  | { type: typeof SYNC_STEP_1; stateVector: Uint8Array }
  | { type: typeof SYNC_STEP_2 | typeof SYNC_UPDATE; update: Uint8Array };

/** Parses one sync message; throws on malformed input (including any length that overruns it). */
export function decodeSyncMessage(message: Uint8Array): SyncMessage {
  const decoder = decoding.createDecoder(message);
  const type = decoding.readVarUint(decoder);
  const length = decoding.readVarUint(decoder);
  // Checked before reading: a view past the end would see whatever follows in the buffer.
  if (length !== message.length - decoder.pos) throw new Error('sync message length does not match its content');
  const payload = decoding.readUint8Array(decoder, length);
  if (type === SYNC_STEP_1) return { type, stateVector: payload };
  if (type === SYNC_STEP_2 || type === SYNC_UPDATE) return { type, update: payload };
  throw new Error(`unknown sync message type ${type}`);
}

function encodeSync(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return encodeSync((encoder) => syncProtocol.writeSyncStep1(encoder, doc));
}

export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return encodeSync((encoder) => syncProtocol.writeSyncStep2(encoder, doc, stateVector));
}

/** A sync step 2 that carries `update` as it is (instead of a document's state). */
export function encodeSyncStep2Update(update: Uint8Array): Uint8Array {
  return encodeSync((encoder) => {
    encoding.writeVarUint(encoder, SYNC_STEP_2);
    encoding.writeVarUint8Array(encoder, update);
  });
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync((encoder) => syncProtocol.writeUpdate(encoder, update));
}

/** Wraps a sync or awareness payload in y-websocket's outer framing. */
export function frameYWebsocket(type: typeof MESSAGE_SYNC | typeof MESSAGE_AWARENESS, payload: Uint8Array): Uint8Array {
  return encodeSync((encoder) => {
    encoding.writeVarUint(encoder, type);
    if (type === MESSAGE_AWARENESS) encoding.writeVarUint8Array(encoder, payload);
    else encoding.writeUint8Array(encoder, payload);
  });
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  return awarenessProtocol.encodeAwarenessUpdate(awareness, clients);
}
