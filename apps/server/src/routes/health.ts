import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';

export function healthRoutes(deps: Pick<AppDeps, 'dbKind'>) {
  return new Hono<AppEnv>().get('/', (c) => c.json({ ok: true as const, db: deps.dbKind }, 200));
}
