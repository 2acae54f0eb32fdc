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
  'DOCUMENT_TOO_LARGE',
  'QUOTA_EXCEEDED',
  'NOT_SAVED',
  'OUT_OF_SYNC',
  'SHAPE_VIOLATION',
  'PERMISSION_DENIED',
  'READ_ONLY',
  'NOT_JOINED',
  'CLOSING_NOT_OPEN',
  'CHECKIN_EXISTS',
  'CHECKIN_CLOSED',
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
  DOCUMENT_TOO_LARGE: 4413,
  SHAPE_VIOLATION: 4422,
  PERMISSION_DENIED: 4423,
  READ_ONLY: 4424,
  QUOTA_EXCEEDED: 4429,
  LOAD_FAILED: 4503,
  /** Retryable (45xx: stock providers reconnect): slow down, then send again. */
  RATE_LIMITED: 4529,
  /** Retryable: the update builds on changes the server does not have; a fresh sync sends them. */
  OUT_OF_SYNC: 4509,
  /** Retryable: the server cannot take more unsaved edits right now; the client keeps them. */
  NOT_SAVED: 4503,
} as const satisfies Partial<Record<ErrorCode, number>>;

/**
 * The HTTP status for each error code, beside the close codes: one mapping for errors that reach
 * an HTTP answer from anywhere (routes, rooms).
 */
export const HTTP_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INVITE_INVALID: 410,
  INVALID_MESSAGE: 400,
  UPDATE_TOO_LARGE: 413,
  DOCUMENT_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 403,
  NOT_SAVED: 503,
  OUT_OF_SYNC: 409,
  SHAPE_VIOLATION: 422,
  PERMISSION_DENIED: 403,
  READ_ONLY: 409,
  NOT_JOINED: 409,
  CLOSING_NOT_OPEN: 409,
  CHECKIN_EXISTS: 409,
  CHECKIN_CLOSED: 409,
  LOAD_FAILED: 503,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;
