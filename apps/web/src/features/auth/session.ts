import type { LoginInput, SignupInput, UserDto } from '@alliance/shared';
import { useSyncExternalStore } from 'react';
import * as api from '../../lib/api.js';
import { SyncClient } from '../../sync/sync-client.js';

/**
 * Who is signed in. The realtime connection belongs to the signed-in person: it is created
 * when they sign in and closed when they sign out, so no document outlives its session.
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: UserDto; sync: SyncClient }
  | { status: 'unreachable'; message: string };

let state: AuthState = { status: 'loading' };
const listeners = new Set<() => void>();

function setState(next: AuthState): void {
  if (state.status === 'signed-in' && !(next.status === 'signed-in' && next.sync === state.sync)) state.sync.close();
  state = next;
  for (const listener of [...listeners]) listener();
}

function signedIn(user: UserDto): void {
  if (state.status === 'signed-in' && state.user.id === user.id) {
    setState({ status: 'signed-in', user, sync: state.sync });
    return;
  }
  setState({ status: 'signed-in', user, sync: new SyncClient({ user: { id: user.id, name: user.name } }) });
}

/** Asks the server who is signed in (on start, and when a session may have ended). */
export async function refreshSession(): Promise<void> {
  try {
    const user = await api.getMe();
    if (user) signedIn(user);
    else setState({ status: 'signed-out' });
  } catch (error) {
    setState({ status: 'unreachable', message: api.errorMessage(error) });
  }
}

export async function signUp(input: SignupInput): Promise<UserDto> {
  const user = await api.signUp(input);
  signedIn(user);
  return user;
}

export async function logIn(input: LoginInput): Promise<UserDto> {
  const user = await api.logIn(input);
  signedIn(user);
  return user;
}

export async function logOut(): Promise<void> {
  await api.logOut();
  setState({ status: 'signed-out' });
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

export function useAuth(): AuthState {
  return useSyncExternalStore(subscribe, () => state);
}
