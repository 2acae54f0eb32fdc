import type { WorkspaceForUser } from '@alliance/db';
import type { UserDto, WorkspaceSummaryDto } from '@alliance/shared';

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
