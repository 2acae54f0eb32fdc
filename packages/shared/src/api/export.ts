import { z } from 'zod';
import { CARD_FLAGS, DRAFT_SHARE, FEEDBACK_COLUMNS } from '../doc/feedback.js';
import { GOAL_STATUSES, GOAL_WEIGHT_MAX, GOAL_WEIGHT_MIN } from '../doc/roadmap.js';
import { VIEW_ACTIONS } from './access-log.js';
import { CHECKIN_ITEMS, CHECKIN_VISIBILITIES, CHOICES_OFFERED, MAX_CHECKIN_NOTE } from './checkins.js';
import { MAX_REPAIR_TEXT } from './repairs.js';
import { DECISION_PREFERENCES } from './terms.js';
import { MAX_TREND_NOTE } from './trends.js';

/**
 * The JSON export of a workspace: one zod schema is the single description of the format. The
 * server's export is checked against it in its tests, `docs/export-schema.json` (a JSON Schema)
 * is generated from it, and `docs/export-schema.md` explains it for people. A change to the
 * shape bumps `EXPORT_SCHEMA_VERSION`.
 */
export const EXPORT_SCHEMA_VERSION = 'alliance.export/3';

const moment = z.iso.datetime({ offset: true }).describe('A moment, as an ISO 8601 date and time in UTC.');
const day = z.string().describe('A day as YYYY-MM-DD (a date input’s value), or the ISO moment it was stored as.');
const role = z.enum(['therapist', 'client']).describe('A member’s role in the workspace.');
const id = z.string().min(1);

const attainment = z.number().int().min(-2).max(2).nullable().describe('Goal Attainment Scaling level, −2 (much less than expected) to +2 (much more); null when not rated.');
const weight = z.number().int().min(GOAL_WEIGHT_MIN).max(GOAL_WEIGHT_MAX).nullable();
const importance = weight.describe('How much the goal matters, said by the client: 1 a little, 2 moderately, 3 very; null until said. With difficulty, weighs the goal in the GAS T-score.');
const difficulty = weight.describe('How hard the therapist expects the goal to be, said by the therapist: 1 a little, 2 moderately, 3 very; null until said. With importance, weighs the goal in the GAS T-score.');
const sessionSchema = z.object({ id: id.describe('The session’s id.'), number: z.number().int().min(1).describe('Its number, counting from 1.'), startedAt: moment, endedAt: moment.nullable().describe('Null while the session is in progress.') }).describe('One therapy session.');

const goalSchema = z
  .object({
    id,
    title: z.string(),
    why: z.string().describe('Why the goal matters, in the client’s words.'),
    status: z.enum(GOAL_STATUSES),
    proposedBy: role.nullable().describe('Who proposed the goal.'),
    agreedBy: z.partialRecord(role, moment).describe('When each member agreed to the goal.'),
    targetDate: day.nullable(),
    attainment,
    importance,
    difficulty,
    createdAt: z.string(),
    archived: z.boolean().describe('Put away from the roadmap (kept, and restorable).'),
    steps: z.array(z.object({ id, text: z.string(), done: z.boolean(), doneBy: role.nullable(), doneAt: z.string().nullable() })),
    strategies: z.array(z.object({ id, text: z.string() })),
    homework: z
      .array(
        z.object({
          id,
          text: z.string(),
          due: day.nullable(),
          done: z.boolean(),
          reflection: z.string().describe('The client’s reflection on doing it.'),
          notDoneReason: z.string().describe('Why it was not done, in the client’s words.'),
          offerId: z.string().nullable().describe('The offer of several options this one belongs to, if any.'),
          chosen: z.boolean().describe('Chosen by the client (an offered option not chosen is false).'),
        }),
      )
      .describe('Homework offered and chosen between sessions.'),
  })
  .describe('One goal of the roadmap with its steps, strategies and homework.');

const cardSchema = z
  .object({
    id,
    column: z.enum(FEEDBACK_COLUMNS).describe('working: what is working; change: what I would change; power: how power feels here; process: how we work.'),
    text: z.string(),
    authorRole: role,
    createdAt: z.string(),
    flag: z.enum(CARD_FLAGS).describe('none; talk: to talk about in a session; repaired: talked through.'),
    replies: z.array(z.object({ id, text: z.string(), authorRole: role, createdAt: z.string(), editedAt: z.string().optional().describe('When its author last changed the reply after sending it; absent when never.') })),
    share: z.enum(DRAFT_SHARE).optional().describe('Drafts only: when the client means to share it.'),
  })
  .describe('One card of the feedback board (or of the client’s drafts), with its replies.');

const boardSchema = z.object({ cards: z.array(cardSchema) });

const versionSchema = z
  .object({
    id,
    label: z.string().nullable().describe('Its name (a session’s versions are named after the session); null for automatic ones.'),
    kind: z.enum(['session', 'named', 'auto']).describe('session: kept when a session ended; named: saved by a member; auto: kept now and then while people work.'),
    seq: z.number().int().min(0).describe('The last change (see `history`) the version holds.'),
    createdAt: moment,
    createdBy: z.string().nullable().describe('The member who saved it (see `members`); null for automatic ones.'),
  })
  .describe('A saved version of a document.');

const actorSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('member'),
      userId: z.string(),
      role,
      name: z.string(),
      via: z.string().optional().describe('Made by the server at the member’s request (e.g. "restore").'),
    }),
    z.object({ kind: z.literal('server'), reason: z.string().describe('Why Alliance made the change itself (e.g. sharing drafts when a session started).') }),
  ])
  .describe('Who made a change, from the server’s own record.');

const changeSchema = z.object({ seq: z.number().int().min(1), at: moment, actor: actorSchema }).describe('One accepted change of a document.');

const editSchema = z
  .object({
    fromSeq: z.number().int().min(1).describe('Its first change (the document before it is the one after change fromSeq − 1).'),
    toSeq: z.number().int().min(1).describe('Its last change.'),
    startedAt: moment,
    endedAt: moment,
    actor: actorSchema,
    subject: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.enum(['goal', 'card']), id, title: z.string().describe('The goal’s title, or the card’s first words, as they were at the edit’s end.') }),
        z.object({ kind: z.literal('document') }),
      ])
      .describe('What the edit was about: one goal, one card, or the document itself (its title, or several goals or cards at once).'),
    changes: z.number().int().min(1),
  })
  .describe('Consecutive changes by one person to one goal, card or the document, with at most five minutes between two of them and at most thirty minutes in all, as people think of an edit.');

const documentHistorySchema = z
  .object({ changes: z.array(changeSchema).describe('Every change, oldest first.'), edits: z.array(editSchema).describe('The same changes grouped into edits, oldest first.') })
  .describe('The attributed change list of one document.');

const accessActorSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('member'), userId: z.string(), name: z.string() }), z.object({ kind: z.literal('server') })]);
const accessBase = { id, actor: accessActorSchema, from: moment, to: moment };
const accessEntrySchema = z
  .discriminatedUnion('kind', [
    z.object({ ...accessBase, kind: z.literal('action'), action: z.string(), target: z.string().nullable() }),
    z.object({ ...accessBase, kind: z.literal('edits'), doc: z.enum(['roadmap', 'feedback', 'drafts']), changes: z.number().int().min(1) }),
    z.object({ ...accessBase, kind: z.literal('views'), views: z.array(z.object({ action: z.enum(VIEW_ACTIONS), target: z.string().nullable() })) }),
  ])
  .describe('One line of the access log: an action, a run of edits of one document, or one visit’s reads.');

const gasScoreSchema = z
  .object({
    score: z.number().nullable().describe('The GAS T-score: 50 means the goals came out as expected on the whole, about 60 a little better, about 40 a little worse; null when no goal was rated.'),
    goals: z.number().int().min(0).describe('How many goals it counts (those with an attainment, not put away).'),
    weighted: z.boolean().describe('true: each goal weighed by importance × difficulty (both said for every goal counted); false: all goals counted equally.'),
  })
  .describe('A Goal Attainment Scaling T-score (Kiresuk & Sherman, ρ = 0.3) and the weights used.');

const roadmapPointSchema = z
  .object({
    seq: z.number().int().min(0).describe('The roadmap exactly as it was after this change (see `history.roadmap`).'),
    label: z.string().describe('The end of a session (its version’s name), "The beginning" or "Now".'),
    at: moment,
  })
  .describe('A point of the roadmap’s history.');

const reflectionSchema = z
  .object({
    userId: z.string().describe('Whose reflection it is (see `members`).'),
    role,
    name: z.string().describe('Their name when the file was made.'),
    helped: z.string().describe('What helped, in their words.'),
    keep: z.string().describe('What I’ll keep doing, in their words.'),
    ifHard: z.string().describe('What to do if things get hard again, in their words.'),
    updatedAt: moment.describe('When they last saved it.'),
  })
  .nullable()
  .describe('One member’s closing reflection, once they saved it; null until then.');

const closingGoalSchema = z
  .object({
    id: z.string().describe('The goal’s id (see `roadmap.goals`).'),
    title: z.string().describe('Its title now.'),
    status: z.enum(GOAL_STATUSES).describe('Its outcome: the status it ended with.'),
    archived: z.boolean().describe('Put away from the roadmap (then not counted in the score).'),
    attainment: attainment.describe('Its Goal Attainment Scaling level now, −2…+2; null when not rated.'),
    importance,
    difficulty,
    attainmentOverTime: z
      .array(
        z.object({
          label: z.string().describe('The end of a session (its version’s name), "The beginning" or "Now".'),
          at: moment,
          attainment: attainment.describe('Its level then, −2…+2; null when not rated then or not on the roadmap yet.'),
          present: z.boolean().describe('Whether the goal was on the roadmap then.'),
        }),
      )
      .describe('Its attainment at the end of each session, oldest first, then now (the beginning and now when no session ended).'),
  })
  .describe('A goal of the roadmap now, with its outcome and its attainment over time.');

const score = z.number().int().min(0).max(10);
const checkinItemsSchema = z
  .object({
    heard: score.describe('I felt heard and respected, 0–10.'),
    wanted: score.describe('We worked on what I wanted, 0–10.'),
    fit: score.describe('The way we work fits me, 0–10.'),
    overall: score.describe('Overall, 0–10.'),
  })
  .describe('The four items, in our own words: process feedback, not a validated measure.');
const steering = z.number().int().min(-2).max(2).describe('Who steered the session: −2 the therapist led, 0 shared, +2 the client led.');
const choicesOffered = z.enum(CHOICES_OFFERED).describe('Whether the client was offered choices.');

const checkinSchema = z
  .object({
    id,
    sessionId: id.describe('The session it is about (see `sessions`).'),
    sessionNumber: z.number().int().min(1),
    items: checkinItemsSchema,
    steering,
    choicesOffered,
    note: z.string().max(MAX_CHECKIN_NOTE).nullable().describe('The client’s note; null when none, and always null in the therapist’s export of a trend-only check-in.'),
    visibility: z.enum(CHECKIN_VISIBILITIES).describe('When the therapist sees it: now, once the next session starts, or only as scores in the trend.'),
    createdAt: moment,
    updatedAt: moment,
    open: z.boolean().describe('Whether the client could still change it (until the next session starts).'),
  })
  .describe('An after-session check-in, as the exporter may see it.');

const trendNoteSchema = z
  .object({
    id,
    sessionId: id.nullable().describe('The session the note is tied to; null for a note on a day.'),
    sessionNumber: z.number().int().min(1).nullable(),
    date: z.iso.date().nullable().describe('The day (YYYY-MM-DD) a note is tied to; null for a note on a session.'),
    text: z.string().max(MAX_TREND_NOTE).describe('What happened then, in the author’s words ("moved house").'),
    authorId: z.string().nullable().describe('Who wrote it (see `members`); null if their account is gone.'),
    authorRole: role,
    createdAt: moment,
  })
  .describe('A note beside the trend: a life event either member tied to a session or a day.');

const pointsBelow = z.number().positive().describe('How far below the baseline the answer was.');
const repairText = z.string().max(MAX_REPAIR_TEXT);

const repairItemSchema = z
  .object({
    id,
    source: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('checkin'),
          checkinId: id,
          sessionNumber: z.number().int().min(1),
          drop: z
            .object({
              items: z.array(z.object({ item: z.enum(CHECKIN_ITEMS), baseline: z.number().describe('The mean of the previous three check-ins.'), value: z.number().int().min(0).max(10), points: pointsBelow })),
              total: z.object({ baseline: z.number(), value: z.number().int().min(0).max(40), points: pointsBelow }).nullable().describe('The total, when it fell 5 or more below its baseline; null otherwise.'),
            })
            .describe('Which items fell 2 or more points below the client’s usual (the mean of their previous three check-ins), and the total when it fell 5 or more.'),
        }),
        z.object({ kind: z.literal('card'), cardId: id, column: z.enum(FEEDBACK_COLUMNS) }),
      ])
      .describe('What opened it: a check-in that dropped against the client’s own baseline, or a card flagged “let’s talk about this”. Never the check-in’s note or the card’s words.'),
    openedAt: moment,
    acknowledgedAt: moment.nullable().describe('When the therapist acknowledged it; null until then.'),
    whatHappened: repairText.describe('What happened, written by both.'),
    clientView: repairText.describe('How the client saw it, in their words.'),
    therapistView: repairText.describe('How the therapist saw it, in their words.'),
    willChange: repairText.describe('What we will change, written by both.'),
    version: z.number().int().min(1),
    updatedAt: moment,
    closedAt: moment.nullable().describe('When the client closed it as repaired; null while open.'),
  })
  .describe('A repair item: a rupture talked through.');

const trendsSchema = z
  .object({
    points: z
      .array(
        z.object({
          sessionId: id,
          sessionNumber: z.number().int().min(1),
          sessionAt: moment.nullable().describe('When the session started.'),
          items: checkinItemsSchema,
          total: z.number().int().min(0).max(40).describe('The four items added up, 0–40.'),
          steering,
          steeringGap: z.number().int().min(-4).max(4).nullable().describe('Experienced minus preferred steering; null while the client has not said how they would like decisions made.'),
          choicesOffered,
        }),
      )
      .describe('One point per check-in the exporter may see, oldest session first.'),
    preference: z.enum(DECISION_PREFERENCES).nullable().describe('How the client would like decisions made.'),
    preferredSteering: z.number().int().min(-2).max(2).nullable().describe('The steering that preference asks for: I decide +2, together 0, my therapist decides −2.'),
    notes: z.array(trendNoteSchema.extend({ atSession: z.number().int().min(1).nullable().describe('The session it sits at on the charts.') })),
  })
  .describe('The check-in trend over sessions, as the exporter may see it: process feedback, not a validated measure.');

const closingReviewSchema = z
  .object({
    openedAt: moment.describe('When the therapist opened the review.'),
    openedBy: z.string().nullable().describe('The therapist who opened it (see `members`); null if their account is gone.'),
    archivedAt: moment.nullable().describe('When the workspace became a read-only archive (both had confirmed); null before.'),
    reflections: z.object({ therapist: reflectionSchema, client: reflectionSchema }).describe('Each member’s reflection under the three prompts, as the exporter sees it (each is seen by both once saved).'),
    confirmations: z.partialRecord(role, moment).describe('When each member confirmed the archive.'),
    gas: z.object({ start: gasScoreSchema.describe('At the first roadmap (the end of the first session).'), now: gasScoreSchema.describe('Now.') }).describe('The GAS T-score at the start and now.'),
    goals: z.array(closingGoalSchema).describe('Every goal of the roadmap now, in roadmap order.'),
    sessions: z.array(sessionSchema).describe('The sessions timeline, oldest first.'),
    roadmap: z.object({ first: roadmapPointSchema.describe('The first roadmap: at the end of the first session, or as it was created.'), last: roadmapPointSchema.describe('The roadmap now.') }).describe('The first and the last roadmap, to compare (`GET …/docs/roadmap/state?seq=` shows each whole).'),
    trends: trendsSchema,
  })
  .describe('The closing review, the same content as the app shows the exporter.');

/** Documents the same for both members, and the client's drafts, which only the client's export holds. */
function perDocument<T extends z.ZodType>(schema: T) {
  return z.object({ roadmap: schema, board: schema, drafts: schema.nullable().describe('The client’s private drafts: null in the therapist’s export.') });
}

export const workspaceExportSchema = z
  .object({
    schemaVersion: z.literal(EXPORT_SCHEMA_VERSION),
    exportedAt: moment,
    role: role.describe('The role of the member who exported: everything in the file is theirs to see.'),
    workspace: z.object({ id, title: z.string(), createdAt: moment, archivedAt: moment.nullable().describe('When the workspace became a read-only archive.') }),
    members: z.array(z.object({ userId: z.string(), name: z.string(), role })).describe('The members, to read the ids elsewhere in the file.'),
    roadmap: z.object({ title: z.string(), schemaVersion: z.number().int(), goals: z.array(goalSchema) }).describe('The roadmap as it is now.'),
    board: boardSchema.describe('The feedback board as it is now.'),
    drafts: boardSchema.nullable().describe('The client’s private drafts: only in the client’s own export, null in the therapist’s.'),
    versions: perDocument(z.array(versionSchema).describe('Newest first.')).describe('The saved versions of each document.'),
    history: perDocument(documentHistorySchema).describe('Every change of each document, with who made it and when.'),
    terms: z
      .object({
        body: z.string().describe('The text of How we work (Markdown).'),
        version: z.number().int().min(1),
        updatedAt: moment,
        acknowledgements: z.partialRecord(role, z.object({ version: z.number().int(), at: moment })).describe('The version each member last acknowledged, and when.'),
      })
      .describe('How we work, as it is now.'),
    decisionPreference: z
      .object({ preference: z.enum(DECISION_PREFERENCES).describe('client: I decide; together: we decide together; therapist: my therapist decides.'), at: moment })
      .nullable()
      .describe('How the client would like decisions made; null until they said.'),
    sessions: z.array(sessionSchema).describe('The therapy sessions, oldest first.'),
    accessLog: z.array(accessEntrySchema).describe('Who opened, changed or exported the workspace, newest first (nothing about documents the exporter may not open).'),
    closingReview: closingReviewSchema.nullable().describe('The closing review as the app shows it to the exporter, once the therapist has opened it; null before.'),
    checkIns: z.array(checkinSchema).describe('The after-session check-ins as the exporter may see them, oldest session first: the client’s export holds all of theirs; the therapist’s holds only those the client let them see (a next-session one once the next session started, a trend-only one without its note).'),
    trendNotes: z.array(trendNoteSchema).describe('The notes beside the trend, oldest first (both members see them all).'),
    repairItems: z.array(repairItemSchema).describe('The repair items as the exporter may see them, open ones first: the therapist’s export leaves out one opened by a check-in they may not see yet.'),
  })
  .describe('Everything in an Alliance workspace that the member who exported it can see.');

export type WorkspaceExport = z.infer<typeof workspaceExportSchema>;
export type ExportClosingReview = z.infer<typeof closingReviewSchema>;
export type ExportVersion = z.infer<typeof versionSchema>;
export type ExportChange = z.infer<typeof changeSchema>;
export type ExportEdit = z.infer<typeof editSchema>;
export type ExportDocumentHistory = z.infer<typeof documentHistorySchema>;
