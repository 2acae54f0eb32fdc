import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { AppError } from './errors.js';

/**
 * `zValidator` with the API's error shape: a failed check becomes
 * `400 { error: { code: 'VALIDATION_FAILED', message } }`. The message names the fields and
 * what is wrong with them, never the submitted values (they may be passwords).
 *
 * `onInvalid` replaces that error where a malformed value should read like an unknown one
 * (e.g. a truncated invite link).
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema, onInvalid?: () => AppError) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    if (onInvalid) throw onInvalid();
    throw new AppError(400, 'VALIDATION_FAILED', describeIssues(result.error.issues));
  });
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return parts.length > 0 ? parts.join('; ') : 'Invalid input.';
}
