import type { Socket as NetSocket } from 'node:net';
import { packFrames } from '@alliance/shared';
import type { Server, Socket } from 'socket.io';

/** The parts of an engine.io connection used here (its websocket transport is ws's WebSocket over a TCP socket). */
interface EngineConnection {
  transport?: { socket?: { _socket?: NetSocket } };
  flush(): void;
}

/**
 * One write to the network per connection per turn of the event loop.
 *
 * Socket.IO sends a binary event as two websocket frames (its header, then the bytes), and
 * engine.io hands a frame to the socket only once the one before it was written: an update
 * shown to someone costs two system calls, its confirmation to the sender a third, and each of
 * them wakes the other end. Here the packets a connection is sent during one turn are gathered
 * and, at the end of it, written corked, so the frames of that turn leave together in one
 * system call. The frames themselves are the same ones: stock clients read them as always.
 */
export function coalesceWrites(io: Server): void {
  io.engine.on('connection', (connection: EngineConnection) => {
    const flushNow = connection.flush.bind(connection);
    let scheduled = false;
    const flushCorked = () => {
      scheduled = false;
      const socket = connection.transport?.socket?._socket;
      if (!socket || socket.destroyed) return flushNow();
      socket.cork();
      try {
        flushNow();
      } finally {
        socket.uncork();
      }
    };
    // engine.io calls flush() for every packet it is given and when its transport can take more.
    connection.flush = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(flushCorked);
    };
  });
}

/** The part of Socket.IO's per-connection client that hands a packet's encoded parts to engine.io. */
interface PacketWriter {
  writeToEngine(parts: unknown[], options: unknown): void;
}

/**
 * Sends this connection's packets in one websocket frame each (`packFrames`): a binary event
 * is then one frame instead of a header frame and one per attachment. Only for a client that
 * reads that framing — the web app, which says so with the protocol version of its handshake.
 * Every packet, broadcasts included, passes through the client's `writeToEngine`.
 */
export function packBinaryWrites(socket: Socket): void {
  const client = socket.client as unknown as PacketWriter;
  const write = client.writeToEngine.bind(client);
  client.writeToEngine = (parts, options) => write(packFrames(parts as Parameters<typeof packFrames>[0]), options);
}
