import { z } from 'zod';
import { DOC_NAMES, ROLES } from '../doc/names.js';

/** Inputs of the HTTP API, shared by the server (validation) and the web app (forms). */
export const signupInput = z.object({
  email: z.email().max(254).transform((email) => email.toLowerCase()),
  password: z.string().min(10, 'Use at least 10 characters.').max(200),
  name: z.string().trim().min(1).max(100),
});
export type SignupInput = z.input<typeof signupInput>;

export const loginInput = z.object({
  email: z.string().trim().max(254).transform((email) => email.toLowerCase()),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.input<typeof loginInput>;

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1).max(200),
    newPassword: z.string().min(10, 'Use at least 10 characters.').max(200),
  })
  .refine((input) => input.newPassword !== input.currentPassword, { path: ['newPassword'], message: 'Choose a password different from the current one.' });
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

export const createWorkspaceInput = z.object({ title: z.string().trim().min(1).max(200) });
export type CreateWorkspaceInput = z.input<typeof createWorkspaceInput>;

export const createVersionInput = z.object({ label: z.string().trim().min(1).max(200) });
export type CreateVersionInput = z.input<typeof createVersionInput>;

export const workspaceParams = z.object({ id: z.uuid() });
export const docParams = z.object({ id: z.uuid(), doc: z.enum(DOC_NAMES) });
export const versionParams = docParams.extend({ versionId: z.uuid() });
export const inviteParams = z.object({ token: z.string().min(20).max(200) });
export const exportQuery = z.object({ format: z.enum(['json', 'md']).default('json') });
/** Paging the history of a document: updates after `after`, at most `limit`. */
export const historyQuery = z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1_000).default(200) });
/** A point of a document's log. */
export const stateQuery = z.object({ seq: z.coerce.number().int().min(0) });
/** A point of a document's history: a version's id, or `seq:N` (right after update N). */
export const historyPoint = z.union([z.uuid(), z.string().regex(/^seq:\d{1,12}$/, 'a version id or seq:N')]);
export const compareQuery = z.object({ from: historyPoint, to: historyPoint });
/**
 * What to restore from a point of history: the whole document, or one goal (optionally one of
 * its steps) of the roadmap, or one card of the board.
 */
export const restoreInput = z
  .object({ versionId: historyPoint, goalId: z.string().min(1).max(64).optional(), stepId: z.string().min(1).max(64).optional(), cardId: z.string().min(1).max(64).optional() })
  .refine((input) => !(input.cardId && input.goalId), 'a goal or a card, not both')
  .refine((input) => !input.stepId || input.goalId, 'a step is restored with its goal');
export type RestoreInput = z.input<typeof restoreInput>;

export const roleSchema = z.enum(ROLES);

export const saveTermsInput = z.object({ body: z.string().trim().min(1).max(20_000) });
export const acknowledgeTermsInput = z.object({ version: z.number().int().min(1) });
export const decisionPreferenceInput = z.object({ preference: z.enum(['client', 'together', 'therapist']) });

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const endSessionInput = z.object({
  /** The therapist's time zone, for the date in the version label. */
  timeZone: z.string().max(64).refine(isTimeZone, 'Unknown time zone.').optional(),
});
