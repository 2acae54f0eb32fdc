import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/context.js';

/**
 * Answers are personal (who someone is, what their therapy workspace holds): no browser or
 * proxy may keep a copy, e.g. on a shared computer.
 */
export const noStore = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});
