import { listSeen, markSeen } from '@alliance/db';
import { SEEN_AREAS, seenParams, workspaceParams, type SeenDto, type SeenMarkDto } from '@alliance/shared';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { requireMembership } from '../http/membership.js';
import { validate } from '../http/validate.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

/**
 * When the caller last looked at each area of a workspace (mounted at /api/workspaces/:id/seen),
 * so the app marks what the other person added since. Each member reads and moves only their
 * own; the other member never learns when someone looked. Nothing here is workspace content,
 * so the access log does not list it: the look itself is there already, as opening the board.
 */
export function seenRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      await requireMembership(deps.db, id, user.id);
      const seen = await listSeen(deps.db, id, user.id);
      const body: SeenDto = { seen: Object.fromEntries(SEEN_AREAS.map((area) => [area, seen[area]?.toISOString() ?? null])) as SeenDto['seen'] };
      return c.json(body, 200);
    })
    .put('/:area', validate('param', seenParams), async (c) => {
      const user = currentUser(c);
      const { id, area } = c.req.valid('param');
      // A look is the member's own bookkeeping, not a change to the workspace: an archive takes it
      // too, so a page open while the workspace is archived can still say it was looked at.
      await requireMembership(deps.db, id, user.id);
      const seenAt = await markSeen(deps.db, { workspaceId: id, userId: user.id, area });
      return c.json<SeenMarkDto>({ area, seenAt: seenAt.toISOString() }, 200);
    });
}
