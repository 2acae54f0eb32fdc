import type { ErrorCode } from '@alliance/shared';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error with a machine-readable code, turned into `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Not found') => new AppError(404, 'NOT_FOUND', what);
export const unauthorized = () => new AppError(401, 'UNAUTHORIZED', 'Please log in.');
export const forbidden = (message = 'You cannot do that here.') => new AppError(403, 'FORBIDDEN', message);
