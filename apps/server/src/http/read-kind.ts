import { READ_KIND_HEADER, type ReadKind } from '@alliance/shared';
import type { Context } from 'hono';

/**
 * Whether the app says this read refreshes what is already on its screen. Only a hint for
 * folding views: `recordView` never lets it hide a first look.
 */
export function readKindOf(c: Context): ReadKind {
  return c.req.header(READ_KIND_HEADER) === 'refresh' ? 'refresh' : 'open';
}
