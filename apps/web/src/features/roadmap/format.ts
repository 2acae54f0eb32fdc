import type { Role } from '@alliance/shared';

/** The value a date input takes (YYYY-MM-DD) from a stored date, or ''. */
export function dateInputValue(value: unknown): string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
}

/** How to name each role's member to the viewer. */
export interface People {
  viewer: Role;
  /** The member's name, or 'you' for the viewer. */
  names: Partial<Record<Role, string>>;
}

/** "you" for the viewer, else the member's name (or "your therapist"/"your client"). */
export function personName(people: People, role: Role): string {
  if (role === people.viewer) return 'you';
  return people.names[role] ?? (role === 'therapist' ? 'your therapist' : 'your client');
}

/** The same, starting a sentence ("You", "Sam Rivera"). */
export function sentenceName(people: People, role: Role): string {
  const name = personName(people, role);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function otherRole(role: Role): Role {
  return role === 'therapist' ? 'client' : 'therapist';
}
