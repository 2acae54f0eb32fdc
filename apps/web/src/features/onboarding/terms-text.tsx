import { useMemo } from 'react';
import { parseTerms } from '../../lib/terms-blocks.js';

/** "How we work" as the therapist wrote it, laid out to read: headings, paragraphs, lists. */
export function TermsText({ body, headingLevel = 3 }: { body: string; headingLevel?: 3 | 4 }) {
  const blocks = useMemo(() => parseTerms(body), [body]);
  const Heading = headingLevel === 4 ? 'h4' : 'h3';
  return (
    <div className="terms-text">
      {blocks.map((block, index) =>
        block.kind === 'heading' ? (
          <Heading key={index} className="terms-text__heading">
            {block.text}
          </Heading>
        ) : block.kind === 'list' ? (
          <ul key={index} className="terms-text__list">
            {block.items.map((item, itemIndex) => (
              <li key={itemIndex}>{item}</li>
            ))}
          </ul>
        ) : (
          <p key={index}>{block.text}</p>
        ),
      )}
    </div>
  );
}
