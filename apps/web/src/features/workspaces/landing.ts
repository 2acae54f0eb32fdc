import type { Role, WorkspaceSummaryDto } from '@alliance/shared';

/** Which roles a person holds over their workspaces (none: they have no workspace yet). */
export function rolesIn(workspaces: readonly Pick<WorkspaceSummaryDto, 'role'>[]): Record<Role, boolean> {
  return { therapist: workspaces.some((workspace) => workspace.role === 'therapist'), client: workspaces.some((workspace) => workspace.role === 'client') };
}

/**
 * Where a person goes straight after opening the app or logging in: a client with exactly one
 * workspace, and no therapist role anywhere, lands in it. Everyone else sees their list.
 */
export function landingFor(workspaces: readonly Pick<WorkspaceSummaryDto, 'id' | 'role'>[]): string | null {
  const [only] = workspaces;
  return workspaces.length === 1 && only?.role === 'client' ? only.id : null;
}
