import { changePasswordInput } from '@alliance/shared';
import { useRef, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Field } from '../../components/field.js';
import { Notice } from '../../components/layout.js';
import { errorMessage, isApiError } from '../../lib/api.js';
import { changePassword } from './session.js';

type FieldName = 'currentPassword' | 'newPassword';
const FIELD_ORDER: readonly FieldName[] = ['currentPassword', 'newPassword'];

/** Current password and a new one. Every other session of the person ends; this one stays. */
export function ChangePasswordForm({ email }: { email: string }) {
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const showErrors = (next: Partial<Record<FieldName, string>>) => {
    setErrors(next);
    const first = FIELD_ORDER.find((field) => next[field]);
    if (first) form.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const values = { currentPassword: String(data.get('currentPassword') ?? ''), newPassword: String(data.get('newPassword') ?? '') };
    setChanged(false);
    setFormError(null);
    const parsed = changePasswordInput.safeParse(values);
    if (!parsed.success) {
      const next: Partial<Record<FieldName, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldName | undefined;
        if (field && !next[field]) next[field] = field === 'currentPassword' ? 'Enter your current password.' : issue.message;
      }
      showErrors(next);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await changePassword(values);
      form.current?.reset();
      setChanged(true);
    } catch (error) {
      if (isApiError(error, 'FORBIDDEN')) showErrors({ currentPassword: 'That is not your current password.' });
      else setFormError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack" onSubmit={onSubmit} noValidate>
      <p className="muted">You stay logged in here. Everywhere else you are logged out and need the new password.</p>
      {/* For password managers: whose password this is. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors.currentPassword} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required error={errors.newPassword} hint="At least 10 characters." />
      {formError && <Notice tone="error">{formError}</Notice>}
      {changed && <Notice>Your password is changed. Every other device is logged out.</Notice>}
      <Button type="submit" variant="primary" busy={busy}>
        Change password
      </Button>
    </form>
  );
}
