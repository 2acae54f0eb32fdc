import type { TextRun } from '@alliance/shared';

/**
 * Changed words inline: insertions underlined, deletions struck through (readable without
 * colour), each also said in words for screen readers.
 */
export function TextRuns({ runs }: { runs: readonly TextRun[] }) {
  return (
    <>
      {runs.map((run, index) =>
        run.kind === 'same' ? (
          <span key={index}>{run.text}</span>
        ) : run.kind === 'added' ? (
          <ins key={index} className="text-run text-run--added">
            <span className="visually-hidden">[added: </span>
            {run.text}
            <span className="visually-hidden">]</span>
          </ins>
        ) : (
          <del key={index} className="text-run text-run--removed">
            <span className="visually-hidden">[removed: </span>
            {run.text}
            <span className="visually-hidden">]</span>
          </del>
        ),
      )}
    </>
  );
}
