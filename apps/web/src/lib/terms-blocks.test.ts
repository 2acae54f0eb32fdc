import { TERMS_TEMPLATE } from '@alliance/shared';
import { describe, expect, it } from 'vitest';
import { parseTerms } from './terms-blocks.js';

describe('parseTerms', () => {
  it('reads headings, paragraphs and lists', () => {
    const body = ['## Sessions', 'Weekly, on Tuesdays.', 'Fifty minutes.', '', '## Who can see what', '- Only the two of us', '- Nobody else', 'After the list.'].join('\n');
    expect(parseTerms(body)).toEqual([
      { kind: 'heading', text: 'Sessions' },
      { kind: 'paragraph', text: 'Weekly, on Tuesdays. Fifty minutes.' },
      { kind: 'heading', text: 'Who can see what' },
      { kind: 'list', items: ['Only the two of us', 'Nobody else'] },
      { kind: 'paragraph', text: 'After the list.' },
    ]);
  });

  it('keeps markup-looking text as text and ignores empty headings and Windows line ends', () => {
    expect(parseTerms('##   \r\n<b>hello</b>\r\n\r\n\r\n- a\r\n')).toEqual([
      { kind: 'paragraph', text: '<b>hello</b>' },
      { kind: 'list', items: ['a'] },
    ]);
  });

  it('reads the template into its sections', () => {
    const blocks = parseTerms(TERMS_TEMPLATE);
    expect(blocks.filter((block) => block.kind === 'heading').map((block) => block.kind === 'heading' && block.text)).toContain('If you are in crisis');
    expect(blocks.some((block) => block.kind === 'list' && block.items.length === 4)).toBe(true);
  });
});
