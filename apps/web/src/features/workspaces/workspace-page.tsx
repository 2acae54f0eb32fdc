import './workspace.css';
import { DECISION_PREFERENCE_LABELS, findPlaceholders, type EndedSessionDto, type Role, type TermsDto, type UserDto, type WorkspaceDto } from '@alliance/shared';
import type * as Y from 'yjs';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../components/button.js';
import { loadEditor } from '../../components/collab-text/index.js';
import { lazyPart, preloadWhenIdle } from '../../components/lazy-part.js';
import { Loading, Notice, Page } from '../../components/layout.js';
import { Link } from '../../components/link.js';
import { PresenceList, usePublishAway } from '../../components/presence-list.js';
import { SaveIndicator } from '../../components/save-indicator.js';
import { tabPanelProps, Tabs } from '../../components/tabs.js';
import { errorMessage, getTerms, getWorkspace, isApiError } from '../../lib/api.js';
import { paths } from '../../lib/router.js';
import { prefetch } from '../../lib/prefetch.js';
import { useResource } from '../../lib/use-resource.js';
import type { DocSession } from '../../sync/doc-session.js';
import { useDoc, useDocSyncState, useKeptCount, useOptionalDoc, usePresence, useSaveState, type DocHandle } from '../../sync/hooks.js';
import { combineSaveStatus, isRefusedForGood } from '../../sync/save-state.js';
import { needsOnboarding } from '../onboarding/onboarding.js';
import { TermsChangedNotice } from '../onboarding/terms-changed-notice.js';
import { TermsSummaryButton } from '../onboarding/terms-summary.js';
import { RoadmapView } from '../roadmap/roadmap-view.js';
import { RepairBanner } from '../repairs/repair-banner.js';
import { SessionBanner } from '../sessions/session-banner.js';
import { SessionControls } from '../sessions/session-controls.js';
import { sessionToReflectOn, useTherapySessions } from '../sessions/use-therapy-sessions.js';
import { versionName } from '../versions/version-list.js';
import { InvitePanel } from './invite-panel.js';

// The first screen is the roadmap: every other tab, and what shows only now and then, loads
// when it is first shown (the tabs are fetched ahead once the browser is idle).
const FeedbackBoard = lazyPart(() => import('../feedback/feedback-board.js'), 'FeedbackBoard');
const TrendsView = lazyPart(() => import('../trends/trends-view.js'), 'TrendsView');
const VersionsView = lazyPart(() => import('../versions/versions-view.js'), 'VersionsView');
const HistoryView = lazyPart(() => import('../history/history-view.js'), 'HistoryView');
const ClosingView = lazyPart(() => import('../closing/closing-view.js'), 'ClosingView');
const HowWeWork = lazyPart(() => import('../onboarding/how-we-work.js'), 'HowWeWork');
const AccessLog = lazyPart(() => import('./access-log.js'), 'AccessLog');
const OnboardingGate = lazyPart(() => import('../onboarding/onboarding-gate.js'), 'OnboardingGate');
const AfterSession = lazyPart(() => import('../sessions/after-session.js'), 'AfterSession');
const TABS = [FeedbackBoard, TrendsView, VersionsView, HistoryView, ClosingView, HowWeWork, AccessLog];

const workspaceKey = (workspaceId: string) => `workspace:${workspaceId}`;
const termsKey = (workspaceId: string) => `terms:${workspaceId}`;

/** Starts what the workspace page reads first, for a page opened at its address. */
export function prefetchWorkspace(workspaceId: string): void {
  prefetch(workspaceKey(workspaceId), () => getWorkspace(workspaceId, 'open'));
  prefetch(termsKey(workspaceId), () => getTerms(workspaceId, 'open'));
}

/**
 * One workspace: for a client who has not yet read "How we work", that first; then the
 * workspace. Once open it stays open: a change to How we work made meanwhile is asked for the
 * next time the client opens the workspace, never in the middle of their work.
 */
export function WorkspacePage({ workspaceId, user }: { workspaceId: string; user: UserDto }) {
  // Until the client has joined, the therapist's page looks now and then for their arrival.
  const workspace = useResource(workspaceKey(workspaceId), (read) => getWorkspace(workspaceId, read), { workspaceId, pollMs: 10_000, pollWhile: waitingForClient });
  const terms = useResource(termsKey(workspaceId), (read) => getTerms(workspaceId, read), { workspaceId });
  const [opened, setOpened] = useState(false);
  // The roadmap's fields want the editor: on its way while the workspace itself loads.
  useEffect(() => void loadEditor(), []);

  if (workspace.state.status === 'error' || terms.state.status === 'error') {
    const error = workspace.state.status === 'error' ? workspace.state.error : terms.state.status === 'error' ? terms.state.error : null;
    return (
      <Page title="Workspace not available">
        <Notice tone="error">{isApiError(error, 'NOT_FOUND') ? 'This workspace does not exist, or you are not one of its members.' : errorMessage(error)}</Notice>
        <p>
          <Link href={paths.home()}>Back to your workspaces</Link>
        </p>
      </Page>
    );
  }
  if (workspace.state.status === 'loading' || terms.state.status === 'loading') {
    return (
      <Page>
        <Loading label="Opening the workspace…" />
      </Page>
    );
  }

  const data = workspace.state.data;
  if (!opened && needsOnboarding(terms.state.data, data.role)) {
    return (
      <Page width="normal">
        <WorkspaceTitle workspace={data} terms={null} />
        <OnboardingGate loading="Opening How we work…" workspace={data} terms={terms.state.data} onTerms={terms.set} onReload={terms.reload} />
      </Page>
    );
  }
  // Past the gate (or never held there): remembered for as long as this page is open (app.tsx
  // gives each workspace its own), so the next open is the next time the gate can apply.
  if (!opened) setOpened(true);
  return <WorkspaceView workspace={data} terms={terms.state.data} onTerms={terms.set} onTermsStale={terms.reload} user={user} onMembersChanged={workspace.reload} />;
}

const waitingForClient = (workspace: WorkspaceDto) => workspace.role === 'therapist' && !workspace.members.some((member) => member.role === 'client');

type View = 'roadmap' | 'feedback' | 'trends' | 'versions' | 'history' | 'closing' | 'terms' | 'access';
const VIEWS: readonly { key: View; label: string }[] = [
  { key: 'roadmap', label: 'Roadmap' },
  { key: 'feedback', label: 'Feedback' },
  { key: 'trends', label: 'Trends' },
  { key: 'versions', label: 'Versions' },
  { key: 'history', label: 'History' },
  { key: 'closing', label: 'Closing review' },
  { key: 'terms', label: 'How we work' },
  { key: 'access', label: 'Access log' },
];

/** The tabs a member sees: the closing review is the therapist's to open, then both see it. */
function viewsFor(workspace: WorkspaceDto): readonly { key: View; label: string }[] {
  return workspace.role === 'therapist' || workspace.closingOpenedAt !== null ? VIEWS : VIEWS.filter((item) => item.key !== 'closing');
}

/** The open tab, kept in the address (?view=feedback) so a reload or a shared link keeps it. */
function useView(): [View, (view: View) => void] {
  const [view, setView] = useState<View>(() => {
    const asked = new URLSearchParams(window.location.search).get('view');
    return VIEWS.some((item) => item.key === asked) ? (asked as View) : 'roadmap';
  });
  const select = useCallback((next: View) => {
    setView(next);
    const url = new URL(window.location.href);
    if (next === 'roadmap') url.searchParams.delete('view');
    else url.searchParams.set('view', next);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }, []);
  return [view, select];
}

function namesOf(workspace: WorkspaceDto, user: UserDto): Partial<Record<Role, string>> {
  const names: Partial<Record<Role, string>> = {};
  for (const member of workspace.members) names[member.role] = member.userId === user.id ? 'you' : member.name;
  return names;
}

/**
 * The workspace's header: its title and who it is with, and in the open workspace the save
 * state and who is here (`status`), the live session (`session`), How we work pinned
 * (`pinned`) and the tabs. On a phone it packs into a few short rows (workspace.css).
 */
function WorkspaceTitle({
  workspace,
  terms,
  status,
  session,
  pinned,
  tabs,
}: {
  workspace: WorkspaceDto;
  terms: TermsDto | null;
  status?: ReactNode;
  session?: ReactNode;
  pinned?: ReactNode;
  tabs?: ReactNode;
}) {
  const client = workspace.members.find((member) => member.role === 'client');
  const therapist = workspace.members.find((member) => member.role === 'therapist');
  const preference = terms?.decisionPreference ? DECISION_PREFERENCE_LABELS[terms.decisionPreference] : null;
  return (
    <header className={tabs ? 'workspace-head workspace-head--open' : 'workspace-head'}>
      <div className="workspace-head__text">
        <h1 className="page__title">{workspace.title}</h1>
        <p className="muted workspace-head__with">
          {workspace.role === 'therapist' ? (client ? `With ${client.name}, your client` : 'Your client has not joined yet') : therapist ? `With ${therapist.name}, your therapist` : 'Your workspace'}
          {workspace.archivedAt ? ' · archived, read only' : ''}
        </p>
        {preference && (
          <p className="workspace-head__preference">
            <span className="muted">{workspace.role === 'client' ? 'Decisions, as you would like them: ' : `Decisions, as ${client?.name ?? 'your client'} would like them: `}</span>
            <strong>{preference}</strong>
          </p>
        )}
      </div>
      {pinned && <div className="workspace-head__pinned">{pinned}</div>}
      {status && <div className="workspace-head__status">{status}</div>}
      {session && <div className="workspace-head__session">{session}</div>}
      {tabs}
    </header>
  );
}

function WorkspaceView({
  workspace,
  terms,
  onTerms,
  onTermsStale,
  user,
  onMembersChanged,
}: {
  workspace: WorkspaceDto;
  terms: TermsDto;
  onTerms: (terms: TermsDto) => void;
  onTermsStale: () => void;
  user: UserDto;
  onMembersChanged: () => void;
}) {
  const isClient = workspace.role === 'client';
  const roadmap = useDoc(workspace.id, 'roadmap');
  const feedback = useDoc(workspace.id, 'feedback');
  // The therapist's app never opens the client's drafts (the server would refuse it anyway).
  const drafts = useOptionalDoc(workspace.id, 'drafts', isClient);
  const sessions = useTherapySessions(workspace.id);
  const [askedView, setView] = useView();
  const views = viewsFor(workspace);
  const view = views.some((item) => item.key === askedView) ? askedView : 'roadmap';
  const [ended, setEnded] = useState<EndedSessionDto | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);

  const docSessions = useMemo<DocSession[]>(() => [roadmap.session, feedback.session, ...(drafts ? [drafts.session] : [])], [roadmap.session, feedback.session, drafts]);
  const presenceSessions = useMemo(() => [roadmap.session, feedback.session], [roadmap.session, feedback.session]);
  usePublishAway(docSessions);

  const roadmapStatus = useSaveState(roadmap.session);
  const feedbackStatus = useSaveState(feedback.session);
  const draftsStatus = useSaveState(drafts?.session ?? feedback.session);
  const saveStatus = combineSaveStatus([roadmapStatus, feedbackStatus, ...(drafts ? [draftsStatus] : [])]);
  const roadmapKept = useKeptCount(roadmap.session);
  const feedbackKept = useKeptCount(feedback.session);
  const draftsKept = useKeptCount(drafts?.session ?? feedback.session);
  const kept = roadmapKept + feedbackKept + (drafts ? draftsKept : 0);
  const roadmapRefused = useDocSyncState(roadmap.session).refused;
  const feedbackRefused = useDocSyncState(feedback.session).refused;
  const refused = roadmapRefused ?? feedbackRefused;

  // Someone present who is not on the member list has just joined: fetch the members again.
  const presence = usePresence(roadmap.session);
  const feedbackPresence = usePresence(feedback.session);
  const present = [...presence.values(), ...feedbackPresence.values()].map((state) => state.user?.id).filter((id): id is string => typeof id === 'string');
  const newcomer = present.some((id) => !workspace.members.some((member) => member.userId === id));
  useEffect(() => {
    if (newcomer) onMembersChanged();
  }, [newcomer, onMembersChanged]);
  // The client opens the documents only once past How we work: when someone arrives, what
  // they acknowledged and chose may have changed too.
  const others = [...new Set(present.filter((id) => id !== user.id))].sort().join(',');
  useEffect(() => {
    if (others) onTermsStale();
  }, [others, onTermsStale]);

  const names = useMemo(() => namesOf(workspace, user), [workspace, user]);
  const client = workspace.members.find((member) => member.role === 'client');
  const current = sessions.state.status === 'ready' ? sessions.state.data.current : null;
  const readOnly = workspace.archivedAt !== null;
  // An archive takes no more feedback, and holds no more sessions.
  const reflectOn = isClient && !readOnly && sessions.state.status === 'ready' ? sessionToReflectOn(sessions.state.data, sessions.loadedAt) : null;
  const controls = !isClient && client && !readOnly && sessions.state.status === 'ready';
  const placeholders = useMemo(() => findPlaceholders(terms.body), [terms.body]);
  // The other tabs are fetched once the editor is here and the roadmap open, so that on a slow
  // connection they take nothing from the first screen.
  const roadmapOpen = roadmap.status === 'ready';
  useEffect(() => {
    if (!roadmapOpen) return;
    let cancel: (() => void) | null = null;
    let live = true;
    void loadEditor().then(() => {
      if (live) cancel = preloadWhenIdle(TABS);
    });
    return () => {
      live = false;
      cancel?.();
    };
  }, [roadmapOpen]);

  return (
    <Page width="normal">
      <WorkspaceTitle
        workspace={workspace}
        terms={terms}
        status={
          <>
            <SaveIndicator status={saveStatus} kept={kept} />
            <PresenceList sessions={presenceSessions} selfId={user.id} />
          </>
        }
        session={
          (current || controls) && (
            <>
              {current && <SessionBanner session={current} />}
              {controls && sessions.state.status === 'ready' && (
                <SessionControls
                  workspaceId={workspace.id}
                  sessions={sessions.state.data}
                  onChanged={sessions.reload}
                  onEnded={(result) => setEnded(result)}
                />
              )}
            </>
          )
        }
        pinned={<TermsSummaryButton workspace={workspace} terms={terms} onReadAll={() => setView('terms')} />}
        tabs={
          <TabRow view={view}>
            <Tabs idBase="workspace" label="Workspace" items={views} selected={view} onSelect={setView} />
          </TabRow>
        }
      />
      <RepairBanner workspace={workspace} inSession={current !== null} userId={user.id} />

      {!isClient && ended && !current && (
        <Notice>
          <p>
            Session {ended.session.number} has ended. The roadmap and the feedback board were saved as “{versionName({ kind: 'session', label: ended.label, createdAt: ended.session.endedAt ?? ended.session.startedAt })}”.
          </p>
        </Notice>
      )}

      {readOnly && (
        <p className="archive-banner" role="status">
          <strong>This workspace is an archive.</strong> You both confirmed the closing review, so nothing in it can be changed. You can still read it, replay its history and export it.
        </p>
      )}
      {isClient && workspace.closingOpenedAt && !readOnly && view !== 'closing' && (
        <Notice>
          <p>
            {workspace.members.find((member) => member.role === 'therapist')?.name ?? 'Your therapist'} has opened the closing review: a look back over your work together, with a place for each of you to write, in your own words, what helped.
          </p>
          <Button variant="primary" onClick={() => setView('closing')}>
            Open the closing review
          </Button>
        </Notice>
      )}

      {view !== 'terms' && <TermsChangedNotice workspace={workspace} terms={terms} onRead={() => setView('terms')} />}

      {workspace.role === 'therapist' && !client && !readOnly && <InvitePanel workspaceId={workspace.id} placeholders={placeholders} onFillIn={() => setView('terms')} />}

      {refused &&
        (isRefusedForGood(refused.code) ? (
          <Notice tone="error">
            <p>A change of yours was not accepted, so it is not saved: {refused.message}</p>
            <p>Reload to continue from the saved version.</p>
            <Button variant="secondary" onClick={() => window.location.reload()}>
              Reload
            </Button>
          </Notice>
        ) : (
          <Notice>
            <p>
              <strong>Not saved yet.</strong> {refused.message}
            </p>
          </Notice>
        ))}

      {reflectOn && (
        <AfterSession
          key={reflectOn.id}
          loading="Opening your reflection on the session…"
          workspaceId={workspace.id}
          session={reflectOn}
          feedback={feedback.status === 'ready' ? feedback.doc : null}
          drafts={drafts?.status === 'ready' ? drafts.doc : null}
          onShared={(where) => setPlaced(where === 'board' ? 'Thank you. It is on your feedback board, under “The process”.' : 'Kept as a private draft, under “The process” on your feedback board.')}
        />
      )}
      {placed && (
        <p className="success-text" role="status">
          {placed}
        </p>
      )}

      <div {...tabPanelProps('workspace', view)} className={`workspace-panel workspace-panel--${view}`}>
        {view === 'roadmap' && <DocView handle={roadmap} what="the roadmap">{(doc, role, docReadOnly) => <RoadmapView doc={doc} role={role ?? workspace.role} readOnly={docReadOnly || readOnly} names={names} awareness={roadmap.session.awareness} />}</DocView>}
        {view === 'feedback' && (
          <DocView handle={feedback} what="the feedback board">
            {(doc, role, docReadOnly) =>
              isClient && drafts?.status !== 'ready' && drafts?.status !== 'error' ? (
                <Loading label="Opening your drafts…" />
              ) : (
                <FeedbackBoard
                  loading="Opening the feedback board…"
                  workspaceId={workspace.id}
                  userId={user.id}
                  feedback={doc}
                  feedbackAwareness={feedback.session.awareness}
                  drafts={drafts?.status === 'ready' ? drafts.doc : null}
                  draftsAwareness={drafts?.session.awareness ?? null}
                  role={role ?? workspace.role}
                  readOnly={docReadOnly || readOnly}
                  names={names}
                />
              )
            }
          </DocView>
        )}
        {view === 'trends' && <TrendsView loading="Opening the trends…" workspace={workspace} user={user} preference={terms.decisionPreference} names={names} />}
        {view === 'versions' && <VersionsView loading="Opening the versions…" workspace={workspace} user={user} />}
        {view === 'history' && <HistoryView loading="Opening the history…" workspace={workspace} user={user} names={names} />}
        {view === 'closing' && <ClosingView loading="Opening the closing review…" workspace={workspace} user={user} names={names} />}
        {view === 'terms' && <HowWeWork loading="Opening How we work…" workspace={workspace} terms={terms} onTerms={onTerms} />}
        {view === 'access' && <AccessLog loading="Opening the access log…" workspaceId={workspace.id} user={user} />}
      </div>
    </Page>
  );
}

/**
 * The row of tabs scrolls sideways when it does not fit (on a phone); a soft fade at the
 * edge says more tabs lie that way, and the open tab is always brought into view.
 */
function TabRow({ view, children }: { view: View; children: ReactNode }) {
  const row = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ start: false, end: false });
  useEffect(() => {
    const element = row.current;
    if (!element) return;
    const measure = () => {
      const start = element.scrollLeft > 1;
      const end = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
      setMore((previous) => (previous.start === start && previous.end === end ? previous : { start, end }));
    };
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, []);
  useEffect(() => {
    const element = row.current;
    const tab = element?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]');
    if (!element || !tab) return;
    // Only sideways: the page itself must not jump.
    const left = tab.offsetLeft - element.offsetLeft;
    const right = left + tab.offsetWidth;
    // With a little of its neighbour in view, and none of the fade over it.
    const margin = 40;
    if (left - margin < element.scrollLeft) element.scrollLeft = Math.max(0, left - margin);
    else if (right + margin > element.scrollLeft + element.clientWidth) element.scrollLeft = right - element.clientWidth + margin;
  }, [view]);
  const className = ['workspace-tabs', more.start && 'workspace-tabs--more-start', more.end && 'workspace-tabs--more-end'].filter(Boolean).join(' ');
  return (
    <div ref={row} className={className}>
      {children}
    </div>
  );
}

/** A shared document's content once it is open, or why it is not. */
function DocView({ handle, what, children }: { handle: DocHandle; what: string; children: (doc: Y.Doc, role: Role | null, readOnly: boolean) => ReactNode }) {
  if (handle.status === 'loading') return <Loading label={`Opening ${what}…`} />;
  if (handle.status === 'error') {
    return (
      <Notice tone="error">
        {handle.error.code === 'UNAUTHORIZED' ? (
          <>
            Your session has ended. <Link href={paths.login()}>Log in again</Link> to keep working.
          </>
        ) : (
          handle.error.message
        )}
      </Notice>
    );
  }
  return <>{children(handle.doc, handle.role, handle.readOnly)}</>;
}
