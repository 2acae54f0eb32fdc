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

/**
 * The sign-ins (one per sign-in: its connection) that are past their first page. Only a sign-in
 * whose first page is the workspace list lands a client in their workspace: opening the app or
 * logging in does, coming back to the list later, or arriving by an invite or a link, does not.
 */
const arrived = new WeakSet<object>();

export function noteArrived(signIn: object): void {
  arrived.add(signIn);
}

export function hasArrived(signIn: object): boolean {
  return arrived.has(signIn);
}
