import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeSyncMessage, encodeSyncStep1, encodeSyncStep2, encodeSyncStep2Update, encodeSyncUpdate, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE } from './yjs-messages.js';

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

describe('sync messages', () => {
  it('reads back what each encoder wrote', () => {
    const doc = docWithText('hello');
    const update = Y.encodeStateAsUpdate(doc);
    expect(decodeSyncMessage(encodeSyncStep1(doc))).toEqual({ type: SYNC_STEP_1, stateVector: Y.encodeStateVector(doc) });
    expect(decodeSyncMessage(encodeSyncStep2(doc))).toEqual({ type: SYNC_STEP_2, update });
    expect(decodeSyncMessage(encodeSyncUpdate(update))).toEqual({ type: SYNC_UPDATE, update });
  });

  it('writes a step 2 around given update bytes exactly as y-protocols writes one from a document', () => {
    const doc = docWithText('a longer text than one byte of length can count: '.repeat(4));
    expect(encodeSyncStep2Update(Y.encodeStateAsUpdate(doc))).toEqual(encodeSyncStep2(doc));
    const partial = Y.encodeStateVector(docWithText(''));
    expect(encodeSyncStep2Update(Y.encodeStateAsUpdate(doc, partial))).toEqual(encodeSyncStep2(doc, partial));
  });

  it('refuses a message whose length does not match its content, and an unknown type', () => {
    const message = encodeSyncStep2Update(Y.encodeStateAsUpdate(docWithText('x')));
    expect(() => decodeSyncMessage(message.subarray(0, message.length - 1))).toThrow();
    expect(() => decodeSyncMessage(Uint8Array.of(7, 0))).toThrow(/unknown sync message type/);
  });
});
