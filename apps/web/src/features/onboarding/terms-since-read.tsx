import type { TermsDto } from '@alliance/shared';
import { useMemo, type ReactNode } from 'react';
import { TextRuns } from '../../components/text-runs.js';
import { changedPieces, termsChanges, type TermsPieceChange } from './terms-changes.js';
import { TermsText } from './terms-text.js';

// Apart from terms-text.tsx: comparing versions needs a diff library, which the pinned summary
// (on every workspace's first screen) does not.

/**
 * The new "How we work" laid out like `TermsText`, with what changed since an earlier version
 * marked: added words underlined, removed ones struck through, and a bar beside each changed
 * piece. A removed heading is shown struck through but is no longer a heading.
 */
export function TermsChangesText({ changes, headingLevel = 3 }: { changes: readonly TermsPieceChange[]; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 4 ? 'h4' : 'h3';
  const out: ReactNode[] = [];
  let list: ReactNode[] = [];
  const endList = () => {
    if (list.length > 0) out.push(<ul key={`list-${out.length}`} className="terms-text__list">{list}</ul>);
    list = [];
  };
  changes.forEach((piece, index) => {
    const className = piece.change === 'same' ? undefined : `terms-text__change terms-text__change--${piece.change}`;
    const words = <TextRuns runs={piece.runs} />;
    if (piece.kind === 'item') {
      list.push(
        <li key={index} className={className}>
          {words}
        </li>,
      );
      return;
    }
    endList();
    if (piece.kind === 'heading' && piece.change !== 'removed') {
      out.push(
        <Heading key={index} className={['terms-text__heading', className].filter(Boolean).join(' ')}>
          {words}
        </Heading>,
      );
    } else {
      out.push(
        <p key={index} className={[piece.kind === 'heading' && 'terms-text__heading', className].filter(Boolean).join(' ')}>
          {words}
        </p>,
      );
    }
  });
  endList();
  return <div className="terms-text terms-text--changes">{out}</div>;
}

/**
 * The current "How we work"; while the client has read only an earlier version (and its text
 * was kept), with what changed since then marked. `reader`: who reads it — 'you' for the
 * client, the client's name for the therapist's preview.
 */
export function TermsSinceRead({ terms, reader, headingLevel = 3 }: { terms: TermsDto; reader: string; headingLevel?: 3 | 4 }) {
  const earlier = terms.clientLastRead;
  const changes = useMemo(() => (earlier ? termsChanges(earlier.body, terms.body) : null), [earlier, terms.body]);
  const count = changes ? changedPieces(changes) : 0;
  // Nothing to mark (not read before, the same words saved again, or the earlier text not kept).
  if (!earlier || !changes || count === 0) return <TermsText body={terms.body} headingLevel={headingLevel} />;
  const you = reader === 'you';
  return (
    <>
      <p className="terms-changes__legend">
        {count === 1 ? 'One part has' : `${count} parts have`} changed since the version {you ? 'you' : reader} read (version {earlier.version}). New words are{' '}
        <span>
          <ins className="text-run text-run--added">underlined</ins>
        </span>
        , removed words are{' '}
        <span>
          <del className="text-run text-run--removed">struck through</del>
        </span>
        .
      </p>
      <TermsChangesText changes={changes} headingLevel={headingLevel} />
    </>
  );
}
