/** A piece of "How we work", which the therapist writes as plain text. */
export type TermsBlock = { kind: 'heading'; text: string } | { kind: 'paragraph'; text: string } | { kind: 'list'; items: string[] };

/**
 * Reads the plain text of "How we work" into blocks to show: a line starting with "## " is a
 * heading, consecutive lines starting with "- " are a list, other consecutive lines are one
 * paragraph, and blank lines separate paragraphs. Nothing is interpreted as HTML.
 */
export function parseTerms(body: string): TermsBlock[] {
  const blocks: TermsBlock[] = [];
  let paragraph: string[] = [];
  let list: string[] | null = null;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
    paragraph = [];
    if (list) blocks.push({ kind: 'list', items: list });
    list = null;
  };

  for (const raw of body.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') {
      flush();
    } else if (/^#{1,6}(\s|$)/.test(line)) {
      flush();
      const text = line.replace(/^#+/, '').trim();
      if (text) blocks.push({ kind: 'heading', text });
    } else if (/^[-*]\s/.test(line)) {
      if (paragraph.length > 0) flush();
      (list ??= []).push(line.slice(2).trim());
    } else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}
