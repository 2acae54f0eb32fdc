import type { LoginInput, SignupInput, UserDto } from '@alliance/shared';
import { useSyncExternalStore } from 'react';
import * as api from '../../lib/api.js';
import { canUseIndexedDb, openIndexedDbOutbox } from '../../sync/indexeddb-outbox.js';
import type { Outbox } from '../../sync/outbox.js';
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

/**
 * Who last signed in on this browser, so that a page opened while the server cannot be
 * reached can say how many of their changes wait here. Only the id; forgotten on sign-out.
 */
const DEVICE_USER_KEY = 'alliance.outbox-user';

function rememberDeviceUser(userId: string | null): void {
  try {
    if (userId) localStorage.setItem(DEVICE_USER_KEY, userId);
    else localStorage.removeItem(DEVICE_USER_KEY);
  } catch {
    // Storage is switched off: the count is simply not shown while unreachable.
  }
}

function outboxOf(userId: string): Outbox | undefined {
  return canUseIndexedDb() ? openIndexedDbOutbox(userId) : undefined;
}
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
  rememberDeviceUser(user.id);
  setState({ status: 'signed-in', user, sync: new SyncClient({ user: { id: user.id, name: user.name }, outbox: outboxOf(user.id) }) });
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

/** How many of the signed-in person's edits are not stored on the server yet (signing out loses them). */
export function countWaitingEdits(): Promise<number> {
  return state.status === 'signed-in' ? state.sync.countWaitingEdits() : Promise.resolve(0);
}

/**
 * Signs out, then forgets the edits of the person kept on this device: the next person on
 * this browser must not find them (ask first with {@link countWaitingEdits}).
 */
export async function logOut(): Promise<void> {
  await api.logOut();
  const leaving = state.status === 'signed-in' ? state.sync.outbox : undefined;
  // Closes the realtime connection first, so that nothing writes to the outbox any more.
  setState({ status: 'signed-out' });
  rememberDeviceUser(null);
  await leaving?.clear().catch(() => console.warn('auth: could not clear the changes kept on this device'));
}

/**
 * For the page shown while the server cannot be reached: how many changes of the person who
 * last signed in here wait on this device.
 */
export async function countKeptChangesOfLastUser(): Promise<number> {
  let userId: string | null = null;
  try {
    userId = localStorage.getItem(DEVICE_USER_KEY);
  } catch {
    return 0;
  }
  const kept = userId ? outboxOf(userId) : undefined;
  return kept ? kept.count().catch(() => 0) : 0;
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

export function useAuth(): AuthState {
  return useSyncExternalStore(subscribe, () => state);
}
