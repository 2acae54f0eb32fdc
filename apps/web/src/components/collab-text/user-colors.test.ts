import { describe, expect, it } from 'vitest';
import { CARET_COLORS, colorsForKey, colorsForRole, colorsForUser, contrastRatio, isHexColor, ROLE_COLORS } from './user-colors.js';

/** The field backgrounds a caret must stand out on: warm light, plain white, warm dark, near black. */
const LIGHT_FIELDS = ['#ffffff', '#fffdf9', '#f6f1ea'];
const DARK_FIELDS = ['#26221e', '#1f1b17', '#121212'];

describe('user colours', () => {
  it('gives every caret colour readable white name text and a visible caret on light and dark fields', () => {
    for (const color of CARET_COLORS) {
      expect(contrastRatio(color, '#ffffff'), color).toBeGreaterThanOrEqual(4.5);
      for (const field of [...LIGHT_FIELDS, ...DARK_FIELDS]) {
        expect(contrastRatio(color, field), `${color} on ${field}`).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('gives the therapist and the client different colours from the palette', () => {
    expect(colorsForRole('therapist').color).not.toBe(colorsForRole('client').color);
    for (const { color } of Object.values(ROLE_COLORS)) expect(CARET_COLORS).toContain(color);
  });

  it('pairs each colour with a translucent highlight of the same hue', () => {
    const { color, colorLight } = colorsForRole('client');
    expect(colorLight).toMatch(/^#[0-9a-f]{8}$/i);
    expect(colorLight.slice(0, 7)).toBe(color);
  });

  it('maps the same id to the same colour every time, and spreads ids over the palette', () => {
    expect(colorsForKey('user-42')).toEqual(colorsForKey('user-42'));
    const used = new Set(Array.from({ length: 64 }, (_, i) => colorsForKey(`user-${i}`).color));
    expect(used.size).toBeGreaterThan(4);
  });

  it('prefers the role, then the id, then the fallback key', () => {
    expect(colorsForUser({ role: 'client', id: 'x' })).toEqual(ROLE_COLORS.client);
    expect(colorsForUser({ role: 'admin', id: 'x' })).toEqual(colorsForKey('x'));
    expect(colorsForUser(undefined, 7)).toEqual(colorsForKey(7));
  });

  it('accepts only plain hex colours, so a colour cannot smuggle CSS into a style attribute', () => {
    expect(isHexColor('#1d6fa5')).toBe(true);
    expect(isHexColor('#1d6fa540')).toBe(true);
    expect(isHexColor('#fff')).toBe(true);
    expect(isHexColor('red')).toBe(false);
    expect(isHexColor('#fff; background: url(https://example.com/x)')).toBe(false);
    expect(isHexColor(42)).toBe(false);
  });

  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
