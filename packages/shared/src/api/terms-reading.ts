/**
 * Reading "How we work" as the therapist wrote it (plain text, "## " headings): the parts of the
 * template still to fill in, and the sections a short pinned summary is made of. Pure, so the
 * web app and the server read it the same way.
 */

/** A part of the template still in square brackets, and the section it is in. */
export interface TermsPlaceholder {
  /** The words inside the brackets, as written: "local crisis line". */
  text: string;
  /** The heading of the section it is in, or null before the first heading. */
  section: string | null;
}

/** One section of the terms: a heading and the lines under it. */
export interface TermsSection {
  /** null for what comes before the first heading. */
  heading: string | null;
  /** The lines under the heading, as written. */
  body: string;
}

/** What the pinned summary shows, in this order. */
export const TERMS_SUMMARY_TOPICS = ['sessions', 'contact', 'crisis'] as const;
export type TermsSummaryTopic = (typeof TERMS_SUMMARY_TOPICS)[number];

export interface TermsSummarySection extends TermsSection {
  topic: TermsSummaryTopic;
  heading: string;
}

const HEADING = /^\s*#{1,6}(\s|$)/;

/** Anything in square brackets on one line, as the template marks what is to be filled in. */
const PLACEHOLDER = /\[([^[\]\n]*)\]/g;

/** Splits the terms at their headings (a line starting with "#"), keeping what comes before the first one. */
export function splitTermsSections(body: string): TermsSection[] {
  const sections: TermsSection[] = [];
  let current: { heading: string | null; lines: string[] } = { heading: null, lines: [] };
  const close = () => {
    const text = current.lines.join('\n').trim();
    if (current.heading !== null || text) sections.push({ heading: current.heading, body: text });
  };
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (HEADING.test(line)) {
      const heading = line.trim().replace(/^#+/, '').trim();
      // An empty heading is no heading (as when it is shown): its line is dropped.
      if (!heading) continue;
      close();
      current = { heading, lines: [] };
    } else {
      current.lines.push(line);
    }
  }
  close();
  return sections;
}

/**
 * The template's square-bracketed parts still in the text, in order, each once per section
 * ("[local crisis line]" → `{ text: 'local crisis line', section: 'If you are in crisis' }`).
 * Empty brackets count too: they mark a gap just as well.
 */
export function findPlaceholders(body: string): TermsPlaceholder[] {
  const found: TermsPlaceholder[] = [];
  const seen = new Set<string>();
  for (const section of splitTermsSections(body)) {
    // A heading can be the template's too: "## [Your practice's name]".
    for (const match of `${section.heading ?? ''}\n${section.body}`.matchAll(PLACEHOLDER)) {
      const text = match[1]!.replace(/\s+/g, ' ').trim();
      const key = `${section.heading ?? ''}\n${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ text, section: section.heading });
    }
  }
  return found;
}

/** Which headings hold each topic of the summary: tried in the order of the topics, crisis and contact before the looser "sessions". */
const TOPIC_HEADINGS: Record<TermsSummaryTopic, RegExp> = {
  crisis: /crisis|emergenc|urgent|danger|safety/i,
  contact: /contact|reach|between sessions|outside (of )?sessions|messag/i,
  sessions: /session|appointment|when we meet|\btimes?\b/i,
};

/**
 * The sections of the terms a short pinned summary shows: when sessions are, how to get in
 * touch between them, and where to turn in a crisis — each the first section whose heading
 * names it, in that order. A topic with no such section is left out.
 */
export function termsSummary(body: string): TermsSummarySection[] {
  const sections = splitTermsSections(body).filter((section): section is TermsSection & { heading: string } => section.heading !== null);
  const taken = new Set<TermsSection>();
  const byTopic = new Map<TermsSummaryTopic, TermsSummarySection>();
  // Most specific first, so "Contact between sessions" is contact, not sessions.
  for (const topic of ['crisis', 'contact', 'sessions'] as const) {
    const section = sections.find((candidate) => !taken.has(candidate) && TOPIC_HEADINGS[topic].test(candidate.heading));
    if (!section) continue;
    taken.add(section);
    byTopic.set(topic, { topic, heading: section.heading, body: section.body });
  }
  return TERMS_SUMMARY_TOPICS.flatMap((topic) => byTopic.get(topic) ?? []);
}
