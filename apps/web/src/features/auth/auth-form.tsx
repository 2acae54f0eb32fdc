import { loginInput, signupInput } from '@alliance/shared';
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { Field } from '../../components/field.js';
import { Notice } from '../../components/layout.js';
import { errorMessage } from '../../lib/api.js';
import { logIn, signUp } from './session.js';

export type AuthMode = 'login' | 'signup';

type FieldName = 'name' | 'email' | 'password';
const FIELD_ORDER: readonly FieldName[] = ['name', 'email', 'password'];

/** Sign up or log in. The parent decides where to go next (`onDone`). */
export function AuthForm({ mode, onSwitchMode, onDone }: { mode: AuthMode; onSwitchMode: (mode: AuthMode) => void; onDone?: () => void }) {
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'signup';

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = { name: String(form.get('name') ?? ''), email: String(form.get('email') ?? ''), password: String(form.get('password') ?? '') };
    const parsed = signingUp ? signupInput.safeParse(values) : loginInput.safeParse(values);
    const next: Partial<Record<FieldName, string>> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldName | undefined;
        if (field && !next[field]) next[field] = fieldMessage(field, issue.message);
      }
    }
    // The login schema accepts any email string (the server answers "wrong email or password"); an empty one is surely a slip.
    if (!values.email.trim()) next.email = fieldMessage('email', '');
    if (Object.keys(next).length > 0) {
      setErrors(next);
      setFormError(null);
      const first = FIELD_ORDER.find((field) => next[field]);
      event.currentTarget.querySelector<HTMLInputElement>(`[name="${String(first)}"]`)?.focus();
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      if (signingUp) await signUp(values);
      else await logIn(values);
      onDone?.();
    } catch (error) {
      setFormError(errorMessage(error));
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      {signingUp && <Field label="Name" name="name" autoComplete="name" required error={errors.name} hint="How you would like to be called in the workspace." />}
      <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={signingUp ? 'new-password' : 'current-password'}
        required
        error={errors.password}
        hint={signingUp ? 'At least 10 characters.' : undefined}
      />
      {formError && <Notice tone="error">{formError}</Notice>}
      <Button type="submit" variant="primary" busy={busy}>
        {signingUp ? 'Sign up' : 'Log in'}
      </Button>
      <p className="muted">
        {signingUp ? 'Already have an account? ' : 'New to Alliance? '}
        <button type="button" className="link-button" onClick={() => onSwitchMode(signingUp ? 'login' : 'signup')}>
          {signingUp ? 'Log in instead' : 'Create an account'}
        </button>
      </p>
    </form>
  );
}

function fieldMessage(field: FieldName, fallback: string): string {
  if (field === 'email') return 'Enter an email address like name@example.com.';
  if (field === 'name') return 'Tell us your name.';
  return fallback.startsWith('Use at least') ? fallback : 'Enter your password.';
}
