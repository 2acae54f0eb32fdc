import type { WorkspaceForUser, WorkspaceNewsRow } from '@alliance/db';
import type { UserDto, WorkspaceListItemDto, WorkspaceSummaryDto } from '@alliance/shared';

/** The public fields of a user: never the password hash. */
export function toUserDto(user: { id: string; email: string; name: string }): UserDto {
  return { id: user.id, email: user.email, name: user.name };
}

export function toWorkspaceSummaryDto(workspace: WorkspaceForUser): WorkspaceSummaryDto {
  return {
    id: workspace.id,
    title: workspace.title,
    role: workspace.role,
    createdAt: workspace.createdAt.toISOString(),
    archivedAt: workspace.archivedAt?.toISOString() ?? null,
  };
}

/** A change after the last look (or with no look yet) is new. */
const newSince = (changedAt: Date | null | undefined, seenAt: Date | null | undefined): boolean => !!changedAt && (!seenAt || changedAt > seenAt);

/** A row of the workspace list: nothing is new in an archive, which no longer changes. */
export function toWorkspaceListItemDto(workspace: WorkspaceForUser, news: WorkspaceNewsRow | undefined, openRepairs: number): WorkspaceListItemDto {
  const live = workspace.archivedAt === null;
  return {
    ...toWorkspaceSummaryDto(workspace),
    inSession: live && (news?.inSession ?? false),
    news: {
      board: live && newSince(news?.boardChangedAt, news?.boardSeenAt),
      checkins: live && newSince(news?.checkinsChangedAt, news?.checkinsSeenAt),
    },
    openRepairs,
  };
}
