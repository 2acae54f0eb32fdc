import { describe, expect, it } from 'vitest';
import { TERMS_TEMPLATE } from './terms.js';
import { findPlaceholders, splitTermsSections, termsSummary } from './terms-reading.js';

describe('the parts of How we work still to fill in', () => {
  it('finds every bracketed part of the template, with its section', () => {
    expect(findPlaceholders(TERMS_TEMPLATE)).toEqual([
      { text: 'Day and time of our sessions, how long they last, and how we meet.', section: 'Sessions' },
      { text: 'How to reach me between sessions and how soon I reply — for example, messages are read on working days and answered within two working days.', section: 'Contact between sessions' },
      { text: 'How much notice we ask of each other, and what happens if a session is missed.', section: 'Cancellations' },
      { text: 'local crisis line', section: 'If you are in crisis' },
    ]);
  });

  it('finds none once they are filled in', () => {
    const filled = TERMS_TEMPLATE.replace(/\[[^\]]*\]/g, 'Tuesdays at 10:00');
    expect(findPlaceholders(filled)).toEqual([]);
    expect(findPlaceholders('')).toEqual([]);
  });

  it('finds placeholders before the first heading, in headings and empty ones, each once per section', () => {
    const body = ['Dear [client name],', '## [Your practice]', 'Call [number] or [number].', '## Crisis', 'Call [ ] now, or [number].'].join('\n');
    expect(findPlaceholders(body)).toEqual([
      { text: 'client name', section: null },
      { text: 'Your practice', section: '[Your practice]' },
      { text: 'number', section: '[Your practice]' },
      { text: '', section: 'Crisis' },
      { text: 'number', section: 'Crisis' },
    ]);
  });

  it('does not join brackets across lines or count a lone bracket', () => {
    expect(findPlaceholders('A [half\nline] and a ] or [ alone.')).toEqual([]);
  });
});

describe('the sections of How we work', () => {
  it('splits the text at its headings and keeps what comes before the first', () => {
    expect(splitTermsSections('Hello.\n\n## Sessions\nTuesdays.\n\n#\n### Contact\r\n- by email\r\n')).toEqual([
      { heading: null, body: 'Hello.' },
      { heading: 'Sessions', body: 'Tuesdays.' },
      { heading: 'Contact', body: '- by email' },
    ]);
  });

  it('summarises the template by its sessions, contact and crisis sections', () => {
    expect(termsSummary(TERMS_TEMPLATE).map(({ topic, heading }) => [topic, heading])).toEqual([
      ['sessions', 'Sessions'],
      ['contact', 'Contact between sessions'],
      ['crisis', 'If you are in crisis'],
    ]);
    expect(termsSummary(TERMS_TEMPLATE)[2]!.body).toContain('call your local emergency number');
  });

  it('finds the topics under headings of the therapist’s own words, in the summary’s order, and leaves out a missing one', () => {
    const body = ['## In an emergency', 'Call 999.', '## When we meet', 'Mondays.', '## Getting in touch outside sessions', 'Email me.', '## Cancellations', 'A day ahead.'].join('\n');
    expect(termsSummary(body)).toEqual([
      { topic: 'sessions', heading: 'When we meet', body: 'Mondays.' },
      { topic: 'contact', heading: 'Getting in touch outside sessions', body: 'Email me.' },
      { topic: 'crisis', heading: 'In an emergency', body: 'Call 999.' },
    ]);
    expect(termsSummary('## Cancellations\nA day ahead.\n## Sometimes\nWe pause.')).toEqual([]);
  });
});
