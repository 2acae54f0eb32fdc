import { findClosingReview, findDocument, listAccessLog, listChanges, listMembers, listTherapySessions, listVersions, recordAudit, type WorkspaceForUser } from '@alliance/db';
import {
  canOpenDoc,
  docsHiddenFrom,
  EXPORT_SCHEMA_VERSION,
  exportQuery,
  snapshotCards,
  snapshotRoadmap,
  workspaceParams,
  type AccessCursor,
  type AccessEntryDto,
  type DocName,
  type ExportClosingReview,
  type ExportChange,
  type ExportDocumentHistory,
  type ExportVersion,
  type WorkspaceExport,
} from '@alliance/shared';
import { Hono } from 'hono';
import type * as Y from 'yjs';
import type { AppDeps, AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { validate } from '../http/validate.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';
import { toEntryDto } from './access-log.js';
import { readableCheckins } from './checkins-readable.js';
import { exportMarkdown } from './export-markdown.js';
import { buildClosingReview } from './closing-review.js';
import { actorOf, editsBetween } from './history.js';
import { loadTerms } from './terms.js';
import { readableRepairs } from './repairs.js';
import { toSessionDto } from './therapy-sessions.js';
import { readTrendNotes } from './trend-notes.js';
import { toVersionDto } from './versions.js';

export type { WorkspaceExport };

/** How the export names each document: the feedback document is "the board" to people. */
const EXPORT_DOCS = { roadmap: 'roadmap', board: 'feedback', drafts: 'drafts' } as const satisfies Record<string, DocName>;
const CHANGES_PAGE = 5_000;
const ACCESS_PAGE = 1_000;

/**
 * The caller's copy of a workspace (mounted at /api/workspaces/:id/export): everything they can
 * see in it, in the documented, versioned format of `workspaceExportSchema` (JSON for
 * machines) or the same sections in readable Markdown; always a download, and recorded in the
 * access log. The client's drafts are only ever in the client's own export. Reading only, so
 * an archived workspace exports like any other.
 */
export function exportRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams, () => notFound('No such workspace.')), validate('query', exportQuery), async (c) => {
      const user = currentUser(c);
      const { format } = c.req.valid('query');
      const workspace = await requireMembership(deps.db, c.req.valid('param').id, user.id);
      const content = await buildExport(deps, workspace, user.id);
      await recordAudit(deps.db, { workspaceId: workspace.id, userId: user.id, action: 'export', target: format });
      const filename = `alliance-${slug(workspace.title)}-${content.exportedAt.slice(0, 10)}.${format}`;
      c.header('Content-Disposition', `attachment; filename="${filename}"`);
      if (format === 'md') {
        c.header('Content-Type', 'text/markdown; charset=utf-8');
        return c.body(exportMarkdown(content), 200);
      }
      return c.json(content, 200);
    });
}

/** Everything in the workspace the member can see, as the export format holds it. */
export async function buildExport(deps: Pick<AppDeps, 'db' | 'rooms'>, workspace: WorkspaceForUser, userId: string): Promise<WorkspaceExport> {
  const { id, role } = workspace;
  const ownsDrafts = canOpenDoc(role, 'drafts');
  const members = await listMembers(deps.db, id);
  const byId = new Map(members.map((member) => [member.userId, member]));
  const read = <T>(doc: DocName, snapshot: (ydoc: Y.Doc) => T): Promise<T> => deps.rooms.withDocument({ workspaceId: id, doc }, snapshot);

  /** A document's versions and attributed history; null for one the member may not open. */
  const documentRecord = async (doc: DocName): Promise<{ versions: ExportVersion[]; history: ExportDocumentHistory } | null> => {
    if (!canOpenDoc(role, doc)) return null;
    const document = await findDocument(deps.db, id, doc);
    if (!document) return { versions: [], history: { changes: [], edits: [] } };
    const versions = (await listVersions(deps.db, document.id)).map(toVersionDto).map(({ upToSeq, ...version }) => ({ ...version, seq: upToSeq }));
    const changes: ExportChange[] = [];
    for (let after = 0; ; ) {
      const page = await listChanges(deps.db, document.id, after, CHANGES_PAGE);
      for (const change of page) changes.push({ seq: change.seq, at: change.createdAt.toISOString(), actor: actorOf(change, byId) });
      if (page.length < CHANGES_PAGE) break;
      after = page.at(-1)!.seq;
    }
    return { versions, history: { changes, edits: await editsBetween(deps.db, doc, document.id, 0, changes.at(-1)?.seq ?? 0, byId) } };
  };

  const [roadmap, board, drafts, roadmapRecord, boardRecord, draftsRecord, terms, sessions, accessLog, closingReview, checkIns, trendNotes, repairItems] = await Promise.all([
    read('roadmap', snapshotRoadmap),
    read('feedback', snapshotCards),
    ownsDrafts ? read('drafts', snapshotCards) : null,
    documentRecord(EXPORT_DOCS.roadmap),
    documentRecord(EXPORT_DOCS.board),
    documentRecord(EXPORT_DOCS.drafts),
    loadTerms(deps, id),
    listTherapySessions(deps.db, id),
    readAccessLog(deps, workspace),
    readClosingReview(deps, workspace, userId),
    readableCheckins(deps, workspace, userId),
    readTrendNotes(deps, id),
    readableRepairs(deps, workspace),
  ]);
  const noHistory: ExportDocumentHistory = { changes: [], edits: [] };
  return {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    role,
    workspace: { id, title: workspace.title, createdAt: workspace.createdAt.toISOString(), archivedAt: workspace.archivedAt?.toISOString() ?? null },
    members: members.map(({ userId, name, role: memberRole }) => ({ userId, name, role: memberRole })),
    roadmap,
    board: { cards: board },
    drafts: drafts ? { cards: drafts } : null,
    versions: { roadmap: roadmapRecord?.versions ?? [], board: boardRecord?.versions ?? [], drafts: draftsRecord?.versions ?? null },
    history: { roadmap: roadmapRecord?.history ?? noHistory, board: boardRecord?.history ?? noHistory, drafts: draftsRecord?.history ?? null },
    terms: { body: terms.body, version: terms.version, updatedAt: terms.updatedAt, acknowledgements: terms.acknowledgements },
    decisionPreference: terms.decisionPreference && terms.decisionPreferenceAt ? { preference: terms.decisionPreference, at: terms.decisionPreferenceAt } : null,
    sessions: sessions.map(toSessionDto).reverse(),
    accessLog,
    closingReview,
    checkIns,
    trendNotes,
    repairItems,
  };
}

/** The closing review as the closing route shows it to the member, once the therapist has opened it; null before. */
async function readClosingReview(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser, userId: string): Promise<ExportClosingReview | null> {
  const row = await findClosingReview(deps.db, workspace.id);
  if (!row) return null;
  const review = await buildClosingReview(deps, workspace, userId, row);
  // Opened, so its opening time is known (the route's answer also covers a review not yet opened).
  return { ...review, openedAt: row.openedAt.toISOString() };
}

/** The whole access log as the member reads it (newest first), page by page. */
async function readAccessLog(deps: Pick<AppDeps, 'db'>, workspace: WorkspaceForUser): Promise<AccessEntryDto[]> {
  const entries: AccessEntryDto[] = [];
  let before: AccessCursor | null = null;
  for (;;) {
    const rows = await listAccessLog(deps.db, { workspaceId: workspace.id, hiddenDocs: docsHiddenFrom(workspace.role), before, limit: ACCESS_PAGE });
    for (const row of rows) {
      const entry = toEntryDto(row);
      if (entry) entries.push(entry);
    }
    const last = rows.at(-1);
    if (rows.length < ACCESS_PAGE || !last) return entries;
    before = { atMicros: last.atMicros, id: last.id };
  }
}

function slug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60) || 'workspace'
  );
}
