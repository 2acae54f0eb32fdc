import type { ChangePasswordInput, LoginInput, SignupInput, UserDto } from '@alliance/shared';
import { useSyncExternalStore } from 'react';
import * as api from '../../lib/api.js';
import { canUseIndexedDb, openIndexedDbOutbox } from '../../sync/indexeddb-outbox.js';
import type { Outbox } from '../../sync/outbox.js';
import { SyncClient } from '../../sync/sync-client.js';
import { forgetReplyDrafts } from '../feedback/reply-draft.js';

/** Why nobody is signed in, when the app knows: the login page says so. */
export type SignedOutReason = 'session-ended' | 'logged-out-everywhere';

/**
 * Who is signed in. The realtime connection belongs to the signed-in person: it is created
 * when they sign in and closed when they sign out, so no document outlives its session.
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: SignedOutReason }
  | { status: 'signed-in'; user: UserDto; sync: SyncClient }
  | { status: 'unreachable'; message: string };

let state: AuthState = { status: 'loading' };

/**
 * Who last signed in on this browser, so that a page opened while the server cannot be
 * reached can say how many of their changes wait here. Only the id; forgotten on sign-out.
 */
const DEVICE_USER_KEY = 'alliance.outbox-user';

function lastDeviceUser(): string | null {
  try {
    return localStorage.getItem(DEVICE_USER_KEY);
  } catch {
    return null;
  }
}

function rememberDeviceUser(userId: string | null): void {
  try {
    if (userId) localStorage.setItem(DEVICE_USER_KEY, userId);
    else localStorage.removeItem(DEVICE_USER_KEY);
  } catch {
    // Storage is switched off: the count is simply not shown while unreachable.
  }
}

/**
 * That someone has signed in on this browser before (no one in particular): the login page says
 * "Welcome back" only then. Kept at sign-out — it names nobody.
 */
const SIGNED_IN_BEFORE_KEY = 'alliance.signed-in-before';

function rememberSignedInHere(): void {
  try {
    localStorage.setItem(SIGNED_IN_BEFORE_KEY, '1');
  } catch {
    // Storage is switched off: the login page greets as on a first visit.
  }
}

/** Whether anyone has signed in on this browser before. */
export function hasSignedInHere(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_BEFORE_KEY) !== null;
  } catch {
    return false;
  }
}

function outboxOf(userId: string): Outbox | undefined {
  return canUseIndexedDb() ? openIndexedDbOutbox(userId) : undefined;
}
const listeners = new Set<() => void>();

/**
 * The connection of a session that ended under the person (it expired, or they logged out
 * elsewhere). It is kept, with the edits the server has not confirmed, until someone logs in:
 * if it is the same person, it reconnects and sends them; anyone else gets a new one.
 */
let parked: { userId: string; sync: SyncClient } | null = null;

function setState(next: AuthState): void {
  if (state.status === 'signed-in' && !(next.status === 'signed-in' && next.sync === state.sync)) {
    if (next.status === 'signed-out' && next.reason === 'session-ended') parked = { userId: state.user.id, sync: state.sync };
    else state.sync.close();
  }
  if (next.status === 'signed-out' && next.reason !== 'session-ended') closeParked();
  state = next;
  for (const listener of [...listeners]) listener();
}

function closeParked(): void {
  parked?.sync.close();
  parked = null;
}

function signedIn(user: UserDto): void {
  if (state.status === 'signed-in' && state.user.id === user.id) {
    setState({ status: 'signed-in', user, sync: state.sync });
    return;
  }
  let sync: SyncClient;
  if (parked?.userId === user.id) {
    sync = parked.sync;
    parked = null;
    sync.connect();
  } else {
    closeParked();
    sync = new SyncClient({ user: { id: user.id, name: user.name }, outbox: outboxOf(user.id) });
    watchForEndedSession(sync);
    // Connected now rather than on the first document: the handshake runs while the page loads.
    sync.connect();
  }
  // Someone else was signed in on this browser last (their session ended under them): nothing
  // they were writing stays behind.
  if (lastDeviceUser() !== user.id) forgetReplyDrafts();
  rememberDeviceUser(user.id);
  rememberSignedInHere();
  setState({ status: 'signed-in', user, sync });
}

/**
 * The server closes a session's connection when the session ends, and refuses it when it
 * comes back. Then ask who is signed in: if nobody, the login page says the session ended.
 */
function watchForEndedSession(sync: SyncClient): void {
  sync.subscribe(() => {
    if (sync.getStatus() !== 'refused' || state.status !== 'signed-in' || state.sync !== sync) return;
    void api
      .getMe()
      .then((user) => {
        if (!user && state.status === 'signed-in' && state.sync === sync) setState({ status: 'signed-out', reason: 'session-ended' });
      })
      .catch(() => {
        // Unreachable right now: the connection keeps saying so, and the next refusal asks again.
      });
  });
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
  await signOutHere({ status: 'signed-out' });
}

/** After the server ended the session on purpose: close the connection, then forget this person's kept edits. */
async function signOutHere(next: Extract<AuthState, { status: 'signed-out' }>): Promise<void> {
  const leaving = state.status === 'signed-in' ? state.sync.outbox : undefined;
  // Closes the realtime connection first, so that nothing writes to the outbox any more.
  setState(next);
  rememberDeviceUser(null);
  forgetReplyDrafts();
  await leaving?.clear().catch(() => console.warn('auth: could not clear the changes kept on this device'));
}

/**
 * For the page shown while the server cannot be reached: how many changes of the person who
 * last signed in here wait on this device.
 */
export async function countKeptChangesOfLastUser(): Promise<number> {
  const userId = lastDeviceUser();
  const kept = userId ? outboxOf(userId) : undefined;
  return kept ? kept.count().catch(() => 0) : 0;
}

/** Ends every session of the person, this one included. */
export async function logOutEverywhere(): Promise<void> {
  await api.logOutEverywhere();
  await signOutHere({ status: 'signed-out', reason: 'logged-out-everywhere' });
}

/** Changes the password; the person stays signed in here and is signed out everywhere else. */
export function changePassword(input: ChangePasswordInput): Promise<void> {
  return api.changePassword(input);
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

export function useAuth(): AuthState {
  return useSyncExternalStore(subscribe, () => state);
}
