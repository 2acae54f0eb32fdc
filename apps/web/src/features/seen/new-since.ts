/**
 * Whether something made at `createdAt` is new to someone who last looked at `seenAt`: made
 * after that look, or at any time when they never looked. While the last look is not known yet
 * (`undefined`), nothing is marked, so marks never flicker on and off as a page opens.
 */
export function isNewSince(createdAt: string, seenAt: string | null | undefined): boolean {
  if (seenAt === undefined) return false;
  if (seenAt === null) return true;
  const made = Date.parse(createdAt);
  return Number.isFinite(made) && made > Date.parse(seenAt);
}
