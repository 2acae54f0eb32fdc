import {
  CHECKIN_ITEM_LABELS,
  CHECKIN_ITEMS,
  CHOICES_OFFERED_LABELS,
  CLOSING_PROMPTS,
  DECISION_PREFERENCE_LABELS,
  describeAction,
  describeEdits,
  describeViews,
  FEEDBACK_COLUMN_LABELS,
  FEEDBACK_COLUMNS,
  GOAL_WEIGHT_LABELS,
  outcomeOf,
  repairTitle,
  scoreSentence,
  STEERING_LABELS,
  TREND_DISCLAIMER,
  type AccessEntryDto,
  type CardSnapshot,
  type ExportClosingReview,
  type ExportDocumentHistory,
  type ExportEdit,
  type ExportVersion,
  type Role,
  type WorkspaceExport,
} from '@alliance/shared';

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

/** A moment as people read it anywhere, without knowing their locale: "2026-11-23 18:29 UTC". */
function moment(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-11-23 17:45–17:52 UTC", or both days when they differ. */
function span(from: string, to: string): string {
  if (from.slice(0, 16) === to.slice(0, 16)) return moment(from);
  if (from.slice(0, 10) === to.slice(0, 10)) return `${from.slice(0, 10)} ${from.slice(11, 16)}–${to.slice(11, 16)} UTC`;
  return `${moment(from)} – ${moment(to)}`;
}

/** An attainment level as written on the scale: "+2", "0", "−1". */
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const FLAG_LABELS: Record<CardSnapshot['flag'], string> = { none: '', talk: ' _(to talk about)_', repaired: ' _(talked through)_' };

function cardsMarkdown(cards: CardSnapshot[]): string[] {
  const lines: string[] = [];
  for (const column of FEEDBACK_COLUMNS) {
    const inColumn = cards.filter((card) => card.column === column);
    if (inColumn.length === 0) continue;
    lines.push(`### ${FEEDBACK_COLUMN_LABELS[column]}`, '');
    for (const card of inColumn) {
      lines.push(`- ${inline(card.text) || '_(empty)_'}${FLAG_LABELS[card.flag]}`);
      for (const reply of card.replies) lines.push(`  - ${reply.authorRole}: ${inline(reply.text)}${reply.editedAt ? ' _(edited)_' : ''}`);
    }
    lines.push('');
  }
  if (cards.length === 0) lines.push('_Nothing here yet._', '');
  return lines;
}

function roadmapMarkdown(roadmap: WorkspaceExport['roadmap']): string[] {
  const lines: string[] = ['## Roadmap', ''];
  if (roadmap.goals.length === 0) lines.push('_No goals yet._', '');
  for (const goal of roadmap.goals) {
    lines.push(`### ${inline(goal.title) || '_(untitled goal)_'}`, '');
    const agreed = Object.keys(goal.agreedBy);
    lines.push(`- Status: ${goal.status}${goal.archived ? ', put away' : ''}${agreed.length > 0 ? ` (agreed by ${agreed.join(' and ')})` : ''}`);
    if (goal.proposedBy) lines.push(`- Proposed by: ${goal.proposedBy}`);
    if (goal.targetDate) lines.push(`- Target date: ${inline(goal.targetDate)}`);
    if (goal.attainment !== null) lines.push(`- Attainment: ${signed(goal.attainment)}`);
    if (goal.importance !== null || goal.difficulty !== null) lines.push(`- Weight in the score: ${weightWords(goal)}`);
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
        if (item.notDoneReason) lines.push(block(`Not done: ${item.notDoneReason}`, '  '));
      }
      lines.push('');
    }
  }
  return lines;
}

/** Both halves of a goal's weight in plain words, each with whose say it is. */
function weightWords(goal: { importance: number | null; difficulty: number | null }): string {
  const said = (value: number | null) => (value === null ? 'not said yet' : GOAL_WEIGHT_LABELS[value]!.toLowerCase());
  return `how much it matters to the client: ${said(goal.importance)}; how hard the therapist expects it to be: ${said(goal.difficulty)}`;
}

const KIND_LABELS: Record<ExportVersion['kind'], string> = { session: 'end of a session', named: 'saved by name', auto: 'automatic' };

function versionsMarkdown(title: string, versions: ExportVersion[]): string[] {
  const marked = versions.filter((version) => version.kind !== 'auto');
  const automatic = versions.length - marked.length;
  const lines = [`### ${title}`, ''];
  for (const version of marked) lines.push(`- ${moment(version.createdAt)} — ${inline(version.label ?? '')} (${KIND_LABELS[version.kind]}, up to change ${version.seq})`);
  if (automatic > 0) lines.push(`- and ${count(automatic, 'automatic save')}`);
  if (versions.length === 0) lines.push('_No versions yet._');
  lines.push('');
  return lines;
}

function actorName(actor: ExportEdit['actor']): string {
  if (actor.kind === 'server') return 'Alliance';
  return actor.via ? `${actor.name} (${actor.via})` : actor.name;
}

/** What an edit was about, in words. */
function subjectName(subject: ExportEdit['subject']): string {
  return subject.kind === 'document' ? 'the document' : `the ${subject.kind} “${inline(subject.title)}”`;
}

function historyMarkdown(title: string, history: ExportDocumentHistory): string[] {
  const lines = [`### ${title}`, ''];
  for (const edit of history.edits) lines.push(`- ${span(edit.startedAt, edit.endedAt)} — ${actorName(edit.actor)}, ${subjectName(edit.subject)}: ${count(edit.changes, 'change')} (${edit.fromSeq}–${edit.toSeq})`);
  if (history.edits.length === 0) lines.push('_No changes yet._');
  lines.push('');
  return lines;
}

/** The therapist's own Markdown, its headings moved one level down to sit under this file's. */
function nested(markdown: string): string {
  return markdown.replace(/^(#{1,5}) /gm, '#$1 ').trimEnd();
}

function accessLine(entry: AccessEntryDto): string {
  const who = entry.actor.kind === 'server' ? 'Alliance' : entry.actor.name;
  const what = entry.kind === 'action' ? describeAction(entry.action, entry.target) : entry.kind === 'edits' ? describeEdits(entry.doc, entry.changes, entry.actor) : describeViews(entry.views);
  return `- ${span(entry.from, entry.to)} — ${inline(who)} ${what}`;
}

/** The score as a number people read ("58"), or "no score". */
const scoreWords = (score: ExportClosingReview['gas']['now']) => (score.score === null ? 'no score' : String(Math.round(score.score)));

/** The closing review: the score start → now, each goal over the sessions, both reflections, who confirmed, the archive. */
function closingMarkdown(review: ExportClosingReview | null, members: ReadonlyMap<string, string>): string[] {
  const lines = ['## Closing review', ''];
  if (!review) return [...lines, '_No closing review yet._', ''];
  const nameOf = (role: Role) => inline(members.get(role) ?? `The ${role}`);
  lines.push(`Opened ${moment(review.openedAt)} by the therapist.`, '');

  lines.push('### Goal attainment score', '');
  lines.push(`${scoreWords(review.gas.start)} at the start (${inline(review.roadmap.first.label)}) → ${scoreWords(review.gas.now)} now.`, '', scoreSentence(review.gas.now), '');
  lines.push(review.gas.now.weighted ? 'Each goal counts by how much it matters (the client’s say) and how hard it is (the therapist’s).' : 'Every goal counts the same (weights count once both are said for every rated goal).', '');

  lines.push('### Goals', '');
  if (review.goals.length === 0) lines.push('_No goals._', '');
  for (const goal of review.goals) {
    lines.push(`- ${inline(goal.title) || '_(untitled goal)_'} (${goal.status}${goal.archived ? ', put away' : ''}): ${outcomeOf(goal)}`);
    const over = goal.attainmentOverTime.map((point) => `${inline(point.label)}: ${!point.present ? 'not on the roadmap yet' : point.attainment === null ? 'not rated' : signed(point.attainment)}`);
    lines.push(`  - Over the sessions: ${over.join('; ')}`);
  }
  lines.push('');

  lines.push('### Reflections', '');
  for (const role of ['therapist', 'client'] as const) {
    const reflection = review.reflections[role];
    if (!reflection) {
      lines.push(`_${nameOf(role)} (${role}) has not written a reflection._`, '');
      continue;
    }
    lines.push(`#### ${inline(reflection.name)} (${role}), ${moment(reflection.updatedAt)}`, '');
    for (const prompt of CLOSING_PROMPTS) lines.push(`${prompt.label}:`, '', reflection[prompt.key] ? block(reflection[prompt.key]) : '_(left empty)_', '');
  }

  lines.push('### Confirmations', '');
  for (const role of ['therapist', 'client'] as const) {
    const at = review.confirmations[role];
    lines.push(at ? `- ${nameOf(role)} confirmed ${moment(at)}.` : `- ${nameOf(role)} has not confirmed yet.`);
  }
  lines.push('', review.archivedAt ? `Archived ${moment(review.archivedAt)}: since then the workspace is a read-only record.` : 'Not archived yet: the workspace becomes a read-only record once both have confirmed.', '');
  return lines;
}

const VISIBILITY_WORDS = { now: 'the therapist sees it now', next_session: 'the therapist sees it at the next session', trend: 'the therapist sees only its scores, in the trend' } as const;

/** The check-ins and the notes beside their trend. */
function checkinsMarkdown(content: WorkspaceExport): string[] {
  const lines = ['## Check-ins after sessions', '', `${TREND_DISCLAIMER}.`, ''];
  for (const checkin of content.checkIns) {
    lines.push(`### Session ${checkin.sessionNumber}`, '');
    for (const item of CHECKIN_ITEMS) lines.push(`- ${CHECKIN_ITEM_LABELS[item]}: ${checkin.items[item]} of 10`);
    lines.push(`- Who steered: ${STEERING_LABELS[checkin.steering] ?? checkin.steering}`, `- Offered choices: ${CHOICES_OFFERED_LABELS[checkin.choicesOffered]}`, `- Shared: ${VISIBILITY_WORDS[checkin.visibility]}`, '');
    if (checkin.note) lines.push('Note:', '', block(checkin.note), '');
  }
  if (content.checkIns.length === 0) lines.push('_No check-ins to show._', '');
  lines.push('### Notes beside the trend', '');
  for (const note of content.trendNotes) lines.push(`- ${note.sessionNumber !== null ? `Session ${note.sessionNumber}` : inline(note.date ?? '')} (${note.authorRole}): ${inline(note.text)}`);
  if (content.trendNotes.length === 0) lines.push('_No notes._');
  lines.push('');
  return lines;
}

const REPAIR_FIELDS = [
  ['whatHappened', 'What happened'],
  ['clientView', 'How the client saw it'],
  ['therapistView', 'How the therapist saw it'],
  ['willChange', 'What we will change'],
] as const;

/** The repair items: what happened, how each saw it, what will change, and where each stands. */
function repairsMarkdown(content: WorkspaceExport): string[] {
  const lines = ['## Repair items', ''];
  for (const item of content.repairItems) {
    lines.push(`### ${inline(repairTitle(item))}`, '');
    lines.push(`- Opened ${moment(item.openedAt)}`);
    lines.push(item.acknowledgedAt ? `- Acknowledged by the therapist ${moment(item.acknowledgedAt)}` : '- Not acknowledged yet');
    lines.push(item.closedAt ? `- Closed as repaired by the client ${moment(item.closedAt)}` : '- Open', '');
    for (const [field, label] of REPAIR_FIELDS) if (item[field]) lines.push(`${label}:`, '', block(item[field]), '');
  }
  if (content.repairItems.length === 0) lines.push('_No repair items._', '');
  return lines;
}

/** The export as a readable document: the same sections as the JSON, in the same order. */
export function exportMarkdown(content: WorkspaceExport): string {
  const members = new Map(content.members.map((member) => [member.role, member.name]));
  const lines: string[] = [
    `# ${inline(content.roadmap.title || content.workspace.title)}`,
    '',
    `Exported ${moment(content.exportedAt)} by the ${content.role}${content.workspace.archivedAt ? `; archived ${moment(content.workspace.archivedAt)}` : ''}. Format ${content.schemaVersion}.`,
    '',
    ...content.members.map((member) => `- ${member.role === 'therapist' ? 'Therapist' : 'Client'}: ${inline(member.name)}`),
    '',
    ...roadmapMarkdown(content.roadmap),
    '## Feedback board',
    '',
    ...cardsMarkdown(content.board.cards),
  ];
  if (content.drafts) lines.push('## My private drafts', '', ...cardsMarkdown(content.drafts.cards));

  lines.push('## Versions', '', ...versionsMarkdown('Roadmap', content.versions.roadmap), ...versionsMarkdown('Feedback board', content.versions.board));
  if (content.versions.drafts) lines.push(...versionsMarkdown('My private drafts', content.versions.drafts));

  lines.push('## Changes', '', 'Who changed what and when, grouped into edits (one person, without a pause of five minutes).', '');
  lines.push(...historyMarkdown('Roadmap', content.history.roadmap), ...historyMarkdown('Feedback board', content.history.board));
  if (content.history.drafts) lines.push(...historyMarkdown('My private drafts', content.history.drafts));

  lines.push('## How we work', '', `Version ${content.terms.version}, last changed ${moment(content.terms.updatedAt)}.`, '');
  for (const role of ['therapist', 'client'] as const) {
    const mark = content.terms.acknowledgements[role];
    const name = inline(members.get(role) ?? role);
    lines.push(mark ? `- ${name} acknowledged version ${mark.version} on ${moment(mark.at)}.` : `- ${name} has not acknowledged it.`);
  }
  lines.push('', nested(content.terms.body), '');

  lines.push('## How decisions are made', '');
  lines.push(content.decisionPreference ? `${DECISION_PREFERENCE_LABELS[content.decisionPreference.preference]} (said on ${moment(content.decisionPreference.at)}).` : '_Not said yet._', '');

  lines.push('## Sessions', '');
  for (const session of content.sessions) lines.push(`- Session ${session.number}: ${session.endedAt ? span(session.startedAt, session.endedAt) : `${moment(session.startedAt)}, in progress`}`);
  if (content.sessions.length === 0) lines.push('_No sessions yet._');
  lines.push('');

  lines.push(...checkinsMarkdown(content));
  lines.push(...repairsMarkdown(content));
  lines.push(...closingMarkdown(content.closingReview, members));

  lines.push('## Access log', '', 'Who opened, changed or exported this workspace, newest first.', '');
  lines.push(...content.accessLog.map(accessLine));
  if (content.accessLog.length === 0) lines.push('_Nothing yet._');
  return `${lines.join('\n').trimEnd()}\n`;
}
