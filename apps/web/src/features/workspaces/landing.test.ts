import { describe, expect, it } from 'vitest';
import { landingFor, rolesIn } from './landing.js';

describe('where a person lands', () => {
  it('takes a client with one workspace into it, and shows everyone else their list', () => {
    expect(landingFor([{ id: 'a', role: 'client' }])).toBe('a');
    expect(landingFor([])).toBeNull();
    expect(landingFor([{ id: 'a', role: 'therapist' }])).toBeNull();
    expect(landingFor([{ id: 'a', role: 'client' }, { id: 'b', role: 'client' }])).toBeNull();
    expect(landingFor([{ id: 'a', role: 'client' }, { id: 'b', role: 'therapist' }])).toBeNull();
  });

  it('knows the roles from the list', () => {
    expect(rolesIn([])).toEqual({ therapist: false, client: false });
    expect(rolesIn([{ role: 'client' }])).toEqual({ therapist: false, client: true });
    expect(rolesIn([{ role: 'client' }, { role: 'therapist' }])).toEqual({ therapist: true, client: true });
  });
});
