import type { AppType } from '@alliance/server';
import {
  READ_KIND_HEADER,
  type AcceptInviteDto,
  type AccessLogDto,
  type CheckinAnswersInput,
  type CheckinDto,
  type CheckinsDto,
  type CreateCheckinInput,
  type CreateTrendNoteInput,
  type TrendNoteDto,
  type TrendNotesDto,
  type ChangePasswordInput,
  type CompareDto,
  type ClosingReflectionInput,
  type ClosingReviewDto,
  type DecisionPreference,
  type DocName,
  type ReadKind,
  type EndedSessionDto,
  type EditPageDto,
  type HistoryPageDto,
  type RestoreInput,
  type SeenArea,
  type SeenDto,
  type SeenMarkDto,
  type RestoreResultDto,
  type TermsDto,
  type TherapySessionDto,
  type TherapySessionsDto,
  type VersionDto,
  type CreateVersionInput,
  type CreateWorkspaceInput,
  type ErrorCode,
  type InviteDto,
  type InvitePreviewDto,
  type LoginInput,
  type SignupInput,
  type UserDto,
  type WorkspaceDto,
  type WorkspaceListItemDto,
  type WorkspaceSummaryDto,
} from '@alliance/shared';
import { hc, type ClientResponse } from 'hono/client';

/** The typed client of the server's JSON API (same origin; the session cookie rides along). */
export const client = hc<AppType>('/api', { init: { credentials: 'same-origin' } });

/** Codes an API call can fail with: the server's, plus the client's own for no answer at all. */
export type ApiErrorCode = ErrorCode | 'NETWORK';

/** A failed API call, carrying the server's `{ error: { code, message } }` (messages are written for people). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown, code?: ApiErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** What to tell a person about any error from an API call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}

type SuccessBody<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends 200 | 201 ? T : never) : never;

async function readError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: ErrorCode; message?: string } };
    if (body.error?.code && body.error.message) return new ApiError(response.status, body.error.code, body.error.message);
  } catch {
    // not our JSON error shape (e.g. a proxy's error page)
  }
  const code: ErrorCode = response.status === 401 ? 'UNAUTHORIZED' : response.status === 404 ? 'NOT_FOUND' : response.status === 429 ? 'RATE_LIMITED' : 'INTERNAL';
  return new ApiError(response.status, code, response.status >= 500 ? 'The server had a problem. Please try again.' : 'The request was not accepted.');
}

/**
 * Request options saying whether the person opens something or the page refreshes what it
 * shows; the access log folds refreshes into the person's last look.
 */
export function readOptions(read: ReadKind): { headers: Record<string, string> } | undefined {
  return read === 'refresh' ? { headers: { [READ_KIND_HEADER]: 'refresh' } } : undefined;
}

/** Sends a request; resolves with the success body or throws an {@link ApiError}. */
export async function call<R extends ClientResponse<unknown, number, 'json' | 'text' | 'body' | string>>(send: () => Promise<R>): Promise<SuccessBody<R>> {
  const response = await succeeded(send);
  if (response.status === 204) return undefined as SuccessBody<R>;
  return (await response.json()) as SuccessBody<R>;
}

/** Sends a request; a failure to reach the server or an error answer becomes an ApiError. */
async function succeeded<R extends { ok: boolean }>(send: () => Promise<R>): Promise<R> {
  let response: R;
  try {
    response = await send();
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach Alliance. Check your connection and try again.');
  }
  if (!response.ok) throw await readError(response as unknown as Response);
  return response;
}

// ---- auth ----

/** The signed-in person, or null when nobody is signed in. */
export async function getMe(): Promise<UserDto | null> {
  try {
    return await call(() => client.me.$get());
  } catch (error) {
    if (isApiError(error, 'UNAUTHORIZED')) return null;
    throw error;
  }
}

export function signUp(input: SignupInput): Promise<UserDto> {
  return call(() => client.auth.signup.$post({ json: input }));
}

export function logIn(input: LoginInput): Promise<UserDto> {
  return call(() => client.auth.login.$post({ json: input }));
}

export async function logOut(): Promise<void> {
  await call(() => client.auth.logout.$post());
}

/** Ends every session of the signed-in person, this one included. */
export async function logOutEverywhere(): Promise<void> {
  await call(() => client.auth['logout-everywhere'].$post());
}

/** Changes the password (refused with FORBIDDEN when `currentPassword` is wrong); other sessions end. */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  await call(() => client.auth.password.$post({ json: input }));
}

// ---- workspaces ----

/** The caller's workspaces, each with whether a session is on and what is new since they looked. */
export function listWorkspaces(): Promise<WorkspaceListItemDto[]> {
  return call(() => client.workspaces.$get());
}

export function createWorkspace(input: CreateWorkspaceInput): Promise<WorkspaceSummaryDto> {
  return call(() => client.workspaces.$post({ json: input }));
}

export function getWorkspace(id: string, read: ReadKind = 'open'): Promise<WorkspaceDto> {
  return call(() => client.workspaces[':id'].$get({ param: { id } }, readOptions(read)));
}

/** A new invite link for the workspace's client (it replaces any earlier open one). */
export function createInvite(workspaceId: string): Promise<InviteDto> {
  return call(() => client.workspaces[':id'].invites.$post({ param: { id: workspaceId } }));
}

/** When the caller last looked at each area of the workspace. */
export function getSeen(workspaceId: string): Promise<SeenDto> {
  return call(() => client.workspaces[':id'].seen.$get({ param: { id: workspaceId } }));
}

/** Records that the caller looked at an area now; sent with `keepalive`, so it also goes out as a page closes. */
export function markSeen(workspaceId: string, area: SeenArea): Promise<SeenMarkDto> {
  return call(() => client.workspaces[':id'].seen[':area'].$put({ param: { id: workspaceId, area } }, { init: { keepalive: true } }));
}

// ---- invites ----

export function getInvite(token: string): Promise<InvitePreviewDto> {
  return call(() => client.invites[':token'].$get({ param: { token } }));
}

export function acceptInvite(token: string): Promise<AcceptInviteDto> {
  return call(() => client.invites[':token'].accept.$post({ param: { token } }));
}

// ---- how we work ----

export function getTerms(workspaceId: string, read: ReadKind = 'open'): Promise<TermsDto> {
  return call(() => client.workspaces[':id'].terms.$get({ param: { id: workspaceId } }, readOptions(read)));
}

/** The therapist saves a new version of "How we work". */
export function saveTerms(workspaceId: string, body: string): Promise<TermsDto> {
  return call(() => client.workspaces[':id'].terms.$put({ param: { id: workspaceId }, json: { body } }));
}

/** Says the caller has read `version` (refused with CONFLICT when it is no longer current). */
export function acknowledgeTerms(workspaceId: string, version: number): Promise<TermsDto> {
  return call(() => client.workspaces[':id'].terms.acknowledge.$post({ param: { id: workspaceId }, json: { version } }));
}

/** The client says how they would like decisions to be made. */
export function setDecisionPreference(workspaceId: string, preference: DecisionPreference): Promise<TermsDto> {
  return call(() => client.workspaces[':id'].terms['decision-preference'].$put({ param: { id: workspaceId }, json: { preference } }));
}

// ---- live sessions ----

export function getTherapySessions(workspaceId: string): Promise<TherapySessionsDto> {
  return call(() => client.workspaces[':id'].sessions.$get({ param: { id: workspaceId } }));
}

export function startTherapySession(workspaceId: string): Promise<TherapySessionDto> {
  return call(() => client.workspaces[':id'].sessions.$post({ param: { id: workspaceId } }));
}

/** Ends the session in progress; the server saves versions labelled with the date in `timeZone`. */
export function endTherapySession(workspaceId: string, timeZone?: string): Promise<EndedSessionDto> {
  return call(() => client.workspaces[':id'].sessions.current.end.$post({ param: { id: workspaceId }, json: timeZone ? { timeZone } : {} }));
}

// ---- history and access ----

/**
 * Where the browser downloads the caller's export of a workspace (a link, so the browser saves
 * the file itself: nothing is held in the page).
 */
export function exportUrl(workspaceId: string, format: 'md' | 'json'): string {
  return `/api/workspaces/${encodeURIComponent(workspaceId)}/export?format=${format}`;
}

export function listVersions(workspaceId: string, doc: DocName, read: ReadKind = 'open'): Promise<VersionDto[]> {
  return call(() => client.workspaces[':id'].docs[':doc'].versions.$get({ param: { id: workspaceId, doc } }, readOptions(read)));
}

/** Saves the document as it is now as a named version (`label` is trimmed, 1–200 characters). */
export function createVersion(workspaceId: string, doc: DocName, input: CreateVersionInput): Promise<VersionDto> {
  return call(() => client.workspaces[':id'].docs[':doc'].versions.$post({ param: { id: workspaceId, doc }, json: input }));
}

/** The whole document as it was at a version: a Yjs update to apply to an empty document. */
export async function getVersionState(workspaceId: string, doc: DocName, versionId: string): Promise<Uint8Array> {
  const response = await succeeded(() => client.workspaces[':id'].docs[':doc'].versions[':versionId'].state.$get({ param: { id: workspaceId, doc, versionId } }));
  return new Uint8Array(await (response as unknown as Response).arrayBuffer());
}

/** A page of a document's history: every accepted update after `after`, oldest first, with who made it. */
export function getHistory(workspaceId: string, doc: DocName, page: { after?: number; limit?: number; read?: ReadKind } = {}): Promise<HistoryPageDto> {
  const query = { after: String(page.after ?? 0), limit: String(page.limit ?? 1_000) };
  return call(() => client.workspaces[':id'].docs[':doc'].history.$get({ param: { id: workspaceId, doc }, query }, readOptions(page.read ?? 'refresh')));
}

/** A page of a document's edits (changes grouped by person, goal or card, and time), newest first: those ending at or before update `before`. */
export function getEdits(workspaceId: string, doc: DocName, page: { before?: number; limit?: number } = {}): Promise<EditPageDto> {
  const query = { limit: String(page.limit ?? 30), ...(page.before === undefined ? {} : { before: String(page.before) }) };
  return call(() => client.workspaces[':id'].docs[':doc'].edits.$get({ param: { id: workspaceId, doc }, query }, readOptions('refresh')));
}

/** The whole document exactly as it was after update `seq`: a Yjs update to apply to an empty document. */
export async function getDocState(workspaceId: string, doc: DocName, seq: number): Promise<Uint8Array> {
  const response = await succeeded(() => client.workspaces[':id'].docs[':doc'].state.$get({ param: { id: workspaceId, doc }, query: { seq: String(seq) } }, readOptions('refresh')));
  return new Uint8Array(await (response as unknown as Response).arrayBuffer());
}

/** What changed between two points of a document's history (a version's id or `seq:N` each), with who made each change and when. */
export function compareDoc(workspaceId: string, doc: DocName, from: string, to: string): Promise<CompareDto> {
  return call(() => client.workspaces[':id'].docs[':doc'].compare.$get({ param: { id: workspaceId, doc }, query: { from, to } }));
}

/** Puts a document (or one goal, step or card of it) back as it was at a point, as a new change. */
export function restoreDoc(workspaceId: string, doc: DocName, input: RestoreInput): Promise<RestoreResultDto> {
  return call(() => client.workspaces[':id'].docs[':doc'].restore.$post({ param: { id: workspaceId, doc }, json: input }));
}

/** A page of who opened, changed or exported the workspace, newest first; `before` is the last page's `next`. */
export function getAccessLog(workspaceId: string, page: { before?: string | null; read?: ReadKind } = {}): Promise<AccessLogDto> {
  const query = page.before ? { before: page.before } : {};
  return call(() => client.workspaces[':id']['access-log'].$get({ param: { id: workspaceId }, query }, readOptions(page.read ?? 'open')));
}

// ---- the closing review ----

/** The closing review: the journey, both reflections and confirmations (before it is opened, `openedAt` is null). */
export function getClosing(workspaceId: string, read: ReadKind = 'open'): Promise<ClosingReviewDto> {
  return call(() => client.workspaces[':id'].closing.$get({ param: { id: workspaceId } }, readOptions(read)));
}

/** The therapist opens the closing review; both are invited to it. */
export function openClosing(workspaceId: string): Promise<ClosingReviewDto> {
  return call(() => client.workspaces[':id'].closing.$post({ param: { id: workspaceId } }));
}

/** Saves the caller's own closing reflection. */
export function saveClosingReflection(workspaceId: string, input: ClosingReflectionInput): Promise<ClosingReviewDto> {
  return call(() => client.workspaces[':id'].closing.reflection.$put({ param: { id: workspaceId }, json: input }));
}

/** The caller confirms the archive; the second confirmation makes the workspace read only. */
export function confirmClosing(workspaceId: string): Promise<ClosingReviewDto> {
  return call(() => client.workspaces[':id'].closing.confirm.$post({ param: { id: workspaceId } }));
}

// ---- check-ins and trends ----

/** The check-ins the caller may read: the client all of theirs, the therapist what the client let through. */
export function getCheckins(workspaceId: string, read: ReadKind = 'open'): Promise<CheckinsDto> {
  return call(() => client.workspaces[':id'].checkins.$get({ param: { id: workspaceId } }, readOptions(read)));
}

/** The client answers the check-in on an ended session. */
export function createCheckin(workspaceId: string, input: CreateCheckinInput): Promise<CheckinDto> {
  return call(() => client.workspaces[':id'].checkins.$post({ param: { id: workspaceId }, json: input }));
}

/** The client changes their answer, until the next session starts. */
export function updateCheckin(workspaceId: string, checkinId: string, input: CheckinAnswersInput): Promise<CheckinDto> {
  return call(() => client.workspaces[':id'].checkins[':checkinId'].$put({ param: { id: workspaceId, checkinId }, json: input }));
}

/** The notes beside the trend, oldest first. */
export function getTrendNotes(workspaceId: string, read: ReadKind = 'open'): Promise<TrendNotesDto> {
  return call(() => client.workspaces[':id']['trend-notes'].$get({ param: { id: workspaceId } }, readOptions(read)));
}

/** Adds a note beside the trend, on a session or a day. */
export function addTrendNote(workspaceId: string, input: CreateTrendNoteInput): Promise<TrendNoteDto> {
  return call(() => client.workspaces[':id']['trend-notes'].$post({ param: { id: workspaceId }, json: input }));
}

/** Removes one of the caller's own notes beside the trend. */
export async function deleteTrendNote(workspaceId: string, noteId: string): Promise<void> {
  await succeeded(() => client.workspaces[':id']['trend-notes'][':noteId'].$delete({ param: { id: workspaceId, noteId } }));
}
