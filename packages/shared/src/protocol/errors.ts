/** Machine-readable error codes shared by the HTTP API and both realtime transports. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INVITE_INVALID',
  'INVALID_MESSAGE',
  'UPDATE_TOO_LARGE',
  'SHAPE_VIOLATION',
  'PERMISSION_DENIED',
  'READ_ONLY',
  'NOT_JOINED',
  'LOAD_FAILED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every HTTP error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * Close codes of the y-websocket endpoint (4000–4999 are free for applications). They mirror
 * HTTP status codes so they read at a glance.
 */
export const CLOSE_CODES = {
  INVALID_MESSAGE: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  UPDATE_TOO_LARGE: 4413,
  SHAPE_VIOLATION: 4422,
  PERMISSION_DENIED: 4423,
  READ_ONLY: 4424,
  LOAD_FAILED: 4503,
} as const satisfies Partial<Record<ErrorCode, number>>;
