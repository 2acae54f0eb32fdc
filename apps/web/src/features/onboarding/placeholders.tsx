import type { TermsPlaceholder } from '@alliance/shared';

/** "one part", "3 parts". */
export function partsInWords(count: number): string {
  return count === 1 ? 'one part' : `${count} parts`;
}

/** A long placeholder, cut at a word near 80 characters. */
function shorten(text: string): string {
  if (text.length <= 90) return text;
  const cut = text.slice(0, 80);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 40 ? cut.lastIndexOf(' ') : 80)}…`;
}

/** The template's bracketed parts still in How we work, each with the section it is in. */
export function PlaceholderList({ placeholders, id }: { placeholders: readonly TermsPlaceholder[]; id?: string }) {
  return (
    <ul className="placeholder-list" id={id}>
      {placeholders.map((placeholder, index) => (
        <li key={index}>
          <span className="placeholder-list__text">[{shorten(placeholder.text)}]</span>
          {placeholder.section && <span className="muted"> in “{placeholder.section}”</span>}
        </li>
      ))}
    </ul>
  );
}
