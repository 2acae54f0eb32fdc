import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { toUserDto } from '../http/dto.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

export function meRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>().use(noStore).get('/', requireSession, (c) => {
    const user = currentUser(c);
    return c.json(toUserDto(user), 200);
  });
}
