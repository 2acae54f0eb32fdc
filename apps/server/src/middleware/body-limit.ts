import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../http/errors.js';

/**
 * Refuses request bodies over `maxBytes` with 413 before they are read into memory. The API's
 * JSON bodies are a few short strings; 16 KiB leaves room without inviting abuse.
 */
export function limitBody(maxBytes = 16 * 1024) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'BAD_REQUEST', 'The request body is too large.');
    },
  });
}
