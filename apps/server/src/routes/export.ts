import { recordAudit } from '@alliance/db';
import {
  canOpenDoc,
  exportQuery,
  FEEDBACK_COLUMN_LABELS,
  FEEDBACK_COLUMNS,
  snapshotCards,
  snapshotRoadmap,
  workspaceParams,
  type CardSnapshot,
  type DocName,
  type RoadmapSnapshot,
  type Role,
} from '@alliance/shared';
import { Hono } from 'hono';
import type * as Y from 'yjs';
import type { AppDeps, AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { requireMembership } from '../http/membership.js';
import { validate } from '../http/validate.js';
import { noStore } from '../middleware/no-store.js';
import { currentUser, requireSession } from '../middleware/session.js';

/** What an export holds: everything the caller can see in the workspace, nothing more. */
export interface WorkspaceExport {
  workspace: { id: string; title: string; archivedAt: string | null };
  exportedAt: string;
  /** The caller's role: the client's export also holds their private drafts. */
  role: Role;
  roadmap: RoadmapSnapshot;
  feedback: { cards: CardSnapshot[] };
  drafts?: { cards: CardSnapshot[] };
}

/**
 * The caller's copy of a workspace (mounted at /api/workspaces/:id/export): the roadmap and the
 * feedback board, plus the client's own drafts when the client asks. JSON for machines,
 * Markdown for people; always a download.
 */
export function exportRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(noStore)
    .use(requireSession)
    .get('/', validate('param', workspaceParams, () => notFound('No such workspace.')), validate('query', exportQuery), async (c) => {
      const user = currentUser(c);
      const { id } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const workspace = await requireMembership(deps.db, id, user.id);
      const read = <T>(doc: DocName, snapshot: (ydoc: Y.Doc) => T): Promise<T> => deps.rooms.withDocument({ workspaceId: id, doc }, snapshot);
      const content: WorkspaceExport = {
        workspace: { id, title: workspace.title, archivedAt: workspace.archivedAt?.toISOString() ?? null },
        exportedAt: new Date().toISOString(),
        role: workspace.role,
        roadmap: await read('roadmap', snapshotRoadmap),
        feedback: { cards: await read('feedback', snapshotCards) },
        ...(canOpenDoc(workspace.role, 'drafts') ? { drafts: { cards: await read('drafts', snapshotCards) } } : {}),
      };
      await recordAudit(deps.db, { workspaceId: id, userId: user.id, action: 'export', target: format });
      const filename = `alliance-${slug(workspace.title)}-${content.exportedAt.slice(0, 10)}.${format}`;
      c.header('Content-Disposition', `attachment; filename="${filename}"`);
      if (format === 'md') {
        c.header('Content-Type', 'text/markdown; charset=utf-8');
        return c.body(toMarkdown(content), 200);
      }
      return c.json(content, 200);
    });
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

/** Text from the document, made safe to drop into Markdown (no accidental headings or HTML). */
function inline(text: string): string {
  return text.replace(/\r?\n+/g, ' ').replace(/([\\`*_[\]<>#|])/g, '\\$1').trim();
}

function block(text: string, indent = ''): string {
  return text
    .split(/\r?\n/)
    .map((line) => `${indent}> ${inline(line)}`)
    .join('\n');
}

const FLAG_LABELS: Record<CardSnapshot['flag'], string> = { none: '', talk: ' _(to talk about)_', repaired: ' _(talked through)_' };

function cardsMarkdown(cards: CardSnapshot[]): string[] {
  const lines: string[] = [];
  for (const column of FEEDBACK_COLUMNS) {
    const inColumn = cards.filter((card) => card.column === column);
    if (inColumn.length === 0) continue;
    lines.push(`### ${FEEDBACK_COLUMN_LABELS[column]}`, '');
    for (const card of inColumn) {
      lines.push(`- ${inline(card.text) || '_(empty)_'}${FLAG_LABELS[card.flag]}`);
      for (const reply of card.replies) lines.push(`  - ${reply.authorRole}: ${inline(reply.text)}`);
    }
    lines.push('');
  }
  if (cards.length === 0) lines.push('_Nothing here yet._', '');
  return lines;
}

export function toMarkdown(content: WorkspaceExport): string {
  const lines: string[] = [`# ${inline(content.roadmap.title || content.workspace.title)}`, '', `Exported ${content.exportedAt.slice(0, 10)}.`, '', '## Roadmap', ''];
  if (content.roadmap.goals.length === 0) lines.push('_No goals yet._', '');
  for (const goal of content.roadmap.goals) {
    lines.push(`### ${inline(goal.title) || '_(untitled goal)_'}`, '');
    const agreed = Object.keys(goal.agreedBy);
    lines.push(`- Status: ${goal.status}${agreed.length > 0 ? ` (agreed by ${agreed.join(' and ')})` : ''}`);
    if (goal.proposedBy) lines.push(`- Proposed by: ${goal.proposedBy}`);
    if (goal.targetDate) lines.push(`- Target date: ${inline(goal.targetDate)}`);
    if (goal.attainment !== null) lines.push(`- Attainment: ${goal.attainment > 0 ? '+' : ''}${goal.attainment}`);
    lines.push('');
    if (goal.why) lines.push('Why it matters:', '', block(goal.why), '');
    if (goal.steps.length > 0) {
      lines.push('Steps:', '');
      for (const step of goal.steps) lines.push(`- [${step.done ? 'x' : ' '}] ${inline(step.text)}`);
      lines.push('');
    }
    if (goal.strategies.length > 0) {
      lines.push('Strategies:', '');
      for (const strategy of goal.strategies) lines.push(`- ${inline(strategy.text)}`);
      lines.push('');
    }
    const homework = goal.homework.filter((item) => item.chosen);
    if (homework.length > 0) {
      lines.push('Homework:', '');
      for (const item of homework) {
        lines.push(`- [${item.done ? 'x' : ' '}] ${inline(item.text)}${item.due ? ` (due ${inline(item.due)})` : ''}`);
        if (item.reflection) lines.push(block(item.reflection, '  '));
      }
      lines.push('');
    }
  }
  lines.push('## Feedback', '', ...cardsMarkdown(content.feedback.cards));
  if (content.drafts) lines.push('## My private drafts', '', ...cardsMarkdown(content.drafts.cards));
  return `${lines.join('\n').trimEnd()}\n`;
}
