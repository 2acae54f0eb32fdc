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
  return part instanceof ArrayBuffer ? new Uint8Array(part) : new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
}

/** The stock encoding of one packet in one frame: a text packet stays as it is. */
export function packFrames(parts: readonly Part[]): Part[] {
  if (parts.length < 2 || typeof parts[0] !== 'string') return parts as Part[];
  const header = textEncoder.encode(parts[0]);
  const attachments = parts.slice(1).map((part) => {
    if (typeof part === 'string') throw new TypeError('A packet has one text part, its header.');
    return bytesOf(part);
  });
  const frame = new Uint8Array(4 * parts.length + attachments.reduce((sum, bytes) => sum + bytes.byteLength, header.byteLength));
  const view = new DataView(frame.buffer);
  let offset = 0;
  for (const bytes of [header, ...attachments]) {
    view.setUint32(offset, bytes.byteLength);
    frame.set(bytes, offset + 4);
    offset += 4 + bytes.byteLength;
  }
  return [frame];
}

/** Splits a frame made by `packFrames` back into the stock parts; throws on anything else. */
export function unpackFrame(frame: ArrayBuffer | ArrayBufferView): [string, ...Uint8Array[]] {
  const bytes = bytesOf(frame);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (bytes.byteLength - offset < 4) throw new Error('A binary frame ends inside a length.');
    const length = view.getUint32(offset);
    offset += 4;
    if (length > bytes.byteLength - offset) throw new Error('A binary frame is shorter than it says.');
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  const [header, ...attachments] = parts;
  if (!header || attachments.length === 0) throw new Error('A binary frame holds a header and at least one attachment.');
  return [textDecoder.decode(header), ...attachments];
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
      const [header, ...attachments] = unpackFrame(chunk);
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
