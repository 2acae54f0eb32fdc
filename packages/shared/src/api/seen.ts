import { z } from 'zod';
import type { WorkspaceSummaryDto } from './types.js';

/** The areas of a workspace where what the other person added since your last look is marked new. */
export const SEEN_AREAS = ['board', 'checkins', 'repairs'] as const;
export type SeenArea = (typeof SEEN_AREAS)[number];

export const seenParams = z.object({ id: z.uuid(), area: z.enum(SEEN_AREAS) });

/** `GET /api/workspaces/:id/seen`: when the caller last looked at each area (null: never). */
export interface SeenDto {
  seen: Record<SeenArea, string | null>;
}

/** `PUT /api/workspaces/:id/seen/:area`: the look just recorded. */
export interface SeenMarkDto {
  area: SeenArea;
  seenAt: string;
}

/** What changed since the caller last looked, by the other member (and, for the therapist, check-ins they may now see). */
export interface WorkspaceNewsDto {
  board: boolean;
  checkins: boolean;
}

/** One row of `GET /api/workspaces`: the workspace, whether a session is on now, and what is new for the caller. */
export interface WorkspaceListItemDto extends WorkspaceSummaryDto {
  inSession: boolean;
  news: WorkspaceNewsDto;
}
