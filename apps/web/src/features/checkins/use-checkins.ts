import type { CheckinsDto, TrendNotesDto } from '@alliance/shared';
import { getCheckins, getTrendNotes } from '../../lib/api.js';
import { useResource, type Resource } from '../../lib/use-resource.js';

/** The check-ins the member may read, reloaded whenever the workspace changes. */
export function useCheckins(workspaceId: string): Resource<CheckinsDto> {
  return useResource(`checkins:${workspaceId}`, (read) => getCheckins(workspaceId, read), { workspaceId });
}

/** The notes beside the trend, reloaded whenever the workspace changes. */
export function useTrendNotes(workspaceId: string): Resource<TrendNotesDto> {
  return useResource(`trend-notes:${workspaceId}`, (read) => getTrendNotes(workspaceId, read), { workspaceId });
}
