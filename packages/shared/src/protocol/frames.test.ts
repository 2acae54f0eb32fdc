import { Encoder as StockEncoder, PacketType, type Packet } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { packedFramesParser, packFrames, serverFramesParser, unpackFrame } from './frames.js';

const update = new Uint8Array([0, 2, 5, 1, 2, 3, 4, 5]);
const syncEvent: Packet = { type: PacketType.EVENT, nsp: '/', id: 7, data: ['doc:sync', 'w1/roadmap', update] };

/** Every packet a decoder emits, in order. */
function decoderOf(parser: typeof packedFramesParser | typeof serverFramesParser) {
  const decoder = new parser.Decoder();
  const decoded: Packet[] = [];
  decoder.on('decoded', (packet: Packet) => decoded.push(packet));
  return { decoder, decoded };
}

describe('one frame per Socket.IO packet', () => {
  it('sends a binary event as one binary frame that reads back as the same packet', () => {
    const parts = new packedFramesParser.Encoder().encode(syncEvent);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toBeInstanceOf(Uint8Array);

    const { decoder, decoded } = decoderOf(serverFramesParser);
    decoder.add(parts[0]);
    expect(decoded).toHaveLength(1);
    expect(decoded[0]).toMatchObject({ type: PacketType.EVENT, nsp: '/', id: 7 });
    const [name, key, bytes] = decoded[0]!.data as [string, string, Uint8Array];
    expect([name, key]).toEqual(['doc:sync', 'w1/roadmap']);
    expect([...bytes]).toEqual([...update]);
  });

  it('keeps text packets as text and packs binary acks and several attachments', () => {
    const encoder = new packedFramesParser.Encoder();
    const ack: Packet = { type: PacketType.ACK, nsp: '/', id: 3, data: [{ ok: true, data: { saved: true } }] };
    expect(encoder.encode(ack)).toEqual(['33[{"ok":true,"data":{"saved":true}}]']);

    const binaryAck: Packet = { type: PacketType.ACK, nsp: '/', id: 4, data: [update, new Uint8Array([9]).buffer] };
    const [frame, ...rest] = encoder.encode(binaryAck);
    expect(rest).toEqual([]);
    const {
      header,
      attachments: [first, second],
    } = unpackFrame(frame as Uint8Array);
    expect(header).toBe('62-4[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    expect([...first!]).toEqual([...update]);
    expect([...second!]).toEqual([9]);
  });

  it('carries a header in any script, and large attachments', () => {
    const large = Uint8Array.from({ length: 300_000 }, (_, index) => index % 251);
    const packet: Packet = { type: PacketType.EVENT, nsp: '/', data: ['doc:error', { message: 'Schlaf 😴 — 睡眠' }, large] };
    const { decoder, decoded } = decoderOf(serverFramesParser);
    for (const part of new packedFramesParser.Encoder().encode(packet)) decoder.add(part);
    const [, body, bytes] = decoded[0]!.data as [string, { message: string }, Uint8Array];
    expect(body.message).toBe('Schlaf 😴 — 睡眠');
    expect(Buffer.from(bytes).equals(Buffer.from(large))).toBe(true);
  });

  it('reads stock framing too, interleaved with single frames, so stock clients keep working', () => {
    const stock = new StockEncoder().encode(syncEvent);
    expect(stock).toHaveLength(2);
    const packed = packFrames(stock);
    const { decoder, decoded } = decoderOf(serverFramesParser);
    for (const part of [...stock, ...packed, '2["doc:leave","w1/roadmap"]', ...stock]) decoder.add(part);
    expect(decoded.map((packet) => (packet.data as unknown[])[0])).toEqual(['doc:sync', 'doc:sync', 'doc:leave', 'doc:sync']);
    // An attachment that looks like a packed frame is still taken as the attachment it is.
    const lookalike = packFrames(stock)[0] as Uint8Array;
    decoder.add('51-["doc:sync","w1/roadmap",{"_placeholder":true,"num":0}]');
    decoder.add(lookalike);
    expect([...((decoded.at(-1)!.data as unknown[])[2] as Uint8Array)]).toEqual([...lookalike]);
  });

  it('refuses frames that do not hold what they say', () => {
    const good = packFrames(new StockEncoder().encode(syncEvent))[0] as Uint8Array;
    const frame = (header: string, ...attachments: Uint8Array[]) => packFrames([header, ...attachments])[0] as Uint8Array;
    const cases: [string, Uint8Array][] = [
      ['cut short', good.subarray(0, good.byteLength - 1)],
      ['a length cut in half', good.subarray(0, 2)],
      ['a header alone', new Uint8Array([0, 0, 0, 1, 0x32])],
      ['a text packet with an attachment', frame('2["doc:leave","w1/roadmap"]', update)],
      ['fewer attachments than announced', frame('52-["doc:sync","w1/roadmap",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', update)],
      ['more attachments than announced', frame('51-["doc:sync","w1/roadmap",{"_placeholder":true,"num":0}]', update, update)],
      ['a header that is not UTF-8', withHeaderBytes(new Uint8Array([0xff, 0xfe]), update)],
      ['an unknown packet type', frame('91-["x",{"_placeholder":true,"num":0}]', update)],
      ['a placeholder for an attachment it does not hold', frame('51-["doc:sync","w1/roadmap",{"_placeholder":true,"num":3}]', update)],
    ];
    for (const [name, bytes] of cases) {
      const { decoder, decoded } = decoderOf(serverFramesParser);
      expect(() => decoder.add(bytes), name).toThrow();
      expect(decoded, name).toEqual([]);
    }
    const { decoder } = decoderOf(serverFramesParser);
    expect(() => decoder.add({ not: 'a frame' })).toThrow();
  });
});

function withHeaderBytes(header: Uint8Array, attachment: Uint8Array): Uint8Array {
  const frame = new Uint8Array(8 + header.byteLength + attachment.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, header.byteLength);
  frame.set(header, 4);
  view.setUint32(4 + header.byteLength, attachment.byteLength);
  frame.set(attachment, 8 + header.byteLength);
  return frame;
}
