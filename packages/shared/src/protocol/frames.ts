import { Decoder as StockDecoder, Encoder as StockEncoder, type Packet } from 'socket.io-parser';

/**
 * Socket.IO's packets in one websocket frame each.
 *
 * Stock Socket.IO sends an event with binary arguments — every Yjs message — as a text frame
 * (the event with placeholders) and then one binary frame per argument: two frames, two
 * messages to decode and two wake-ups at the other end for every update. Here the same encoded
 * parts travel together in one binary frame, each behind its length:
 *
 *     [u32 length][header, UTF-8] then, per attachment, [u32 length][bytes]   (big-endian)
 *
 * The header and the attachments are exactly what the stock parser makes and reads, so its
 * checks (packet types, attachment counts, payload shapes) all still apply.
 *
 * The web app asks for this framing by stating protocol version 2 in its handshake. The server
 * reads both framings from everyone, and answers in one frame only the connections that asked.
 */

type Part = string | ArrayBuffer | ArrayBufferView;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

function bytesOf(part: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (part instanceof Uint8Array) return part;
  return part instanceof ArrayBuffer ? new Uint8Array(part) : new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
}

function writeLength(frame: Uint8Array, offset: number, length: number): void {
  frame[offset] = length >>> 24;
  frame[offset + 1] = (length >>> 16) & 0xff;
  frame[offset + 2] = (length >>> 8) & 0xff;
  frame[offset + 3] = length & 0xff;
}

function readLength(frame: Uint8Array, offset: number): number {
  return ((frame[offset]! << 24) | (frame[offset + 1]! << 16) | (frame[offset + 2]! << 8) | frame[offset + 3]!) >>> 0;
}

/** The stock encoding of one packet in one frame: a text packet stays as it is. */
export function packFrames(parts: readonly Part[]): Part[] {
  const header = parts[0];
  if (parts.length < 2 || typeof header !== 'string') return parts as Part[];
  // Room for the header at 3 bytes a UTF-16 unit, its worst case in UTF-8.
  let size = 4 + header.length * 3;
  for (let index = 1; index < parts.length; index++) {
    const part = parts[index]!;
    if (typeof part === 'string') throw new TypeError('A packet has one text part, its header.');
    size += 4 + part.byteLength;
  }
  const frame = new Uint8Array(size);
  const { written } = textEncoder.encodeInto(header, frame.subarray(4));
  writeLength(frame, 0, written);
  let offset = 4 + written;
  for (let index = 1; index < parts.length; index++) {
    const bytes = bytesOf(parts[index] as ArrayBuffer | ArrayBufferView);
    writeLength(frame, offset, bytes.byteLength);
    frame.set(bytes, offset + 4);
    offset += 4 + bytes.byteLength;
  }
  return [frame.subarray(0, offset)];
}

/** Splits a frame made by `packFrames` back into the stock parts; throws on anything else. */
export function unpackFrame(frame: ArrayBuffer | ArrayBufferView): { header: string; attachments: Uint8Array[] } {
  const bytes = bytesOf(frame);
  let header: string | null = null;
  const attachments: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (bytes.byteLength - offset < 4) throw new Error('A binary frame ends inside a length.');
    const length = readLength(bytes, offset);
    offset += 4;
    if (length > bytes.byteLength - offset) throw new Error('A binary frame is shorter than it says.');
    const part = bytes.subarray(offset, offset + length);
    if (header === null) header = textDecoder.decode(part);
    else attachments.push(part);
    offset += length;
  }
  if (header === null || attachments.length === 0) throw new Error('A binary frame holds a header and at least one attachment.');
  return { header, attachments };
}

/** How many binary parts follow a stock header (`51-[…]` announces one); 0 for a text packet. */
function attachmentsAnnounced(header: string): number {
  const type = header.charCodeAt(0);
  // '5' is a binary event, '6' a binary ack.
  if (type !== 0x35 && type !== 0x36) return 0;
  return Number(header.slice(1, header.indexOf('-')));
}

/** Encodes each packet in one frame. */
class PackingEncoder extends StockEncoder {
  override encode(packet: Packet): Part[] {
    return packFrames(super.encode(packet) as Part[]);
  }
}

/**
 * Reads both framings: a stock header followed by its attachments, and a frame of `packFrames`
 * (a binary frame that arrives when no attachment is due).
 */
class FrameDecoder extends StockDecoder {
  private attachmentsDue = 0;

  override add(chunk: unknown): void {
    if (typeof chunk === 'string') {
      super.add(chunk);
      this.attachmentsDue = attachmentsAnnounced(chunk);
    } else if (this.attachmentsDue > 0) {
      this.attachmentsDue -= 1;
      super.add(chunk);
    } else {
      if (!(chunk instanceof ArrayBuffer || ArrayBuffer.isView(chunk))) throw new Error('Unknown frame type.');
      const { header, attachments } = unpackFrame(chunk);
      if (attachmentsAnnounced(header) !== attachments.length) throw new Error('A binary frame does not hold the attachments its header announces.');
      super.add(header);
      for (const attachment of attachments) super.add(attachment);
    }
  }

  override destroy(): void {
    this.attachmentsDue = 0;
    super.destroy();
  }
}

/** The web app's parser (Socket.IO's `parser` option): its packets go in one frame each. */
export const packedFramesParser = { Encoder: PackingEncoder, Decoder: FrameDecoder };

/**
 * The server's parser: it reads both framings and encodes as stock Socket.IO does; a connection
 * that asked for one frame per packet has its writes packed (`packFrames`).
 */
export const serverFramesParser = { Encoder: StockEncoder, Decoder: FrameDecoder };
