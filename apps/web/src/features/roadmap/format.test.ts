import { describe, expect, it } from 'vitest';
import { dateInputValue, otherRole, personName, sentenceName, type People } from './format.js';

describe('roadmap wording', () => {
  const therapistView: People = { viewer: 'therapist', names: { therapist: 'you', client: 'Sam Rivera' } };

  it('names the viewer "you" and the other member by name, or by role when the name is unknown', () => {
    expect(personName(therapistView, 'therapist')).toBe('you');
    expect(personName(therapistView, 'client')).toBe('Sam Rivera');
    expect(sentenceName(therapistView, 'therapist')).toBe('You');
    expect(personName({ viewer: 'client', names: {} }, 'therapist')).toBe('your therapist');
    expect(otherRole('client')).toBe('therapist');
  });

  it('reads a stored date into what a date input takes', () => {
    expect(dateInputValue('2026-03-01')).toBe('2026-03-01');
    expect(dateInputValue('2026-03-01T00:00:00.000Z')).toBe('2026-03-01');
    expect(dateInputValue(null)).toBe('');
    expect(dateInputValue('1 March')).toBe('');
  });
});
