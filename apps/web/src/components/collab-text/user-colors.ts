import { isRole, type Role } from '@alliance/shared';

/**
 * The colours a person is shown in: `color` for their caret and name tag (white text on it),
 * `colorLight` for the highlight behind text they have selected. These are the field names
 * y-codemirror.next reads from `awareness.getStates()` entries' `user`.
 */
export interface UserColors {
  color: string;
  colorLight: string;
}

/**
 * Caret colours that work on the warm light and the dark theme alike: white text on each has a
 * contrast of at least 4.5:1 (the name tag), and each stands out at least 3:1 against both a
 * near-white and a near-black field (the caret line). `user-colors.test.ts` checks both.
 */
export const CARET_COLORS = [
  '#1f73ae', // blue
  '#b1531d', // burnt orange
  '#0e7c6d', // teal
  '#8756bf', // purple
  '#b5457d', // rose
  '#3e7c1f', // green
  '#5f63ca', // indigo
  '#8c6900', // ochre
] as const;

/**
 * Alpha of the selection highlight: light enough that text on it keeps its contrast on a light
 * and on a dark field, strong enough to see which words the other person has selected.
 */
const HIGHLIGHT_ALPHA = '4d';

/**
 * One fixed colour per role. A workspace has exactly one therapist and one client, so colours
 * by role can never collide, and blue against orange stays distinct for the common kinds of
 * colour blindness.
 */
export const ROLE_COLORS: Readonly<Record<Role, UserColors>> = {
  therapist: pairFor('#1f73ae'),
  client: pairFor('#b1531d'),
};

/** The colours of the member who holds `role`. */
export function colorsForRole(role: Role): UserColors {
  return ROLE_COLORS[role];
}

/** A stable colour for any key (a user id, or a Yjs client id when nothing better is known). */
export function colorsForKey(key: string | number): UserColors {
  const palette = CARET_COLORS;
  return pairFor(palette[hashKey(String(key)) % palette.length] ?? palette[0]);
}

/**
 * The colours for a person: by role when there is one (the usual case), otherwise by id.
 * Accepts anything so it can be fed straight from an awareness state.
 */
export function colorsForUser(user: { role?: unknown; id?: unknown } | null | undefined, fallbackKey: string | number = 0): UserColors {
  if (user && isRole(user.role)) return colorsForRole(user.role);
  if (user && (typeof user.id === 'string' || typeof user.id === 'number')) return colorsForKey(user.id);
  return colorsForKey(fallbackKey);
}

const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/**
 * Whether `value` is a plain hex colour. Colours arrive from the other person's awareness state
 * and end up in a `style` attribute, so anything else (e.g. `red; background: url(…)`) is refused.
 */
export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

/** WCAG 2 contrast ratio of two opaque hex colours (`#rgb` or `#rrggbb`), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The selection highlight that goes with an opaque `#rrggbb` caret colour. */
export function highlightFor(color: string): string {
  return color + HIGHLIGHT_ALPHA;
}

function pairFor(color: string): UserColors {
  return { color, colorLight: highlightFor(color) };
}

function relativeLuminance(hex: string): number {
  let digits = hex.replace(/^#/, '');
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join('');
  if (!/^[0-9a-f]{6}$/i.test(digits)) throw new Error(`Not an opaque hex colour: ${hex}`);
  const channel = (offset: number): number => {
    const value = parseInt(digits.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** FNV-1a: tiny, stable across sessions and machines, good enough to spread ids over a palette. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
