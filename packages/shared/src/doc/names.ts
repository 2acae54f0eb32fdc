/** The two roles a workspace member can hold. */
export const ROLES = ['therapist', 'client'] as const;
export type Role = (typeof ROLES)[number];

/** The shared documents every workspace has. Any other name is refused. */
export const DOC_NAMES = ['roadmap', 'feedback', 'drafts'] as const;
export type DocName = (typeof DOC_NAMES)[number];

export function isDocName(value: unknown): value is DocName {
  return typeof value === 'string' && (DOC_NAMES as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The version of the document shapes below; stored in `roadmap.meta.schemaVersion`. */
export const SCHEMA_VERSION = 1;
