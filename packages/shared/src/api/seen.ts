import { z } from 'zod';

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

