import type { ErrorCode } from '@alliance/shared';

/**
 * Why the room refused an operation. The code is shown to the client (Socket.IO ack or
 * `doc:error`, y-websocket close code); the message is safe to show and holds no content.
 */
export class RoomError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoomError';
  }
}

export const isRoomError = (error: unknown): error is RoomError => error instanceof RoomError;
