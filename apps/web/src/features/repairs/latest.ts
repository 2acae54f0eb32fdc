import type { RepairItemDto } from '@alliance/shared';

/**
 * The newer of two copies of one repair item: a list fetched before a save can arrive after its
 * answer, and must not take the item back to words it no longer holds (the next save would then
 * name an old version and be refused). The text is the copy with the higher version; being
 * acknowledged or closed only ever happens once, so either copy saying so is true.
 */
export function latestOf(fetched: RepairItemDto, saved: RepairItemDto | undefined): RepairItemDto {
  if (!saved) return fetched;
  const text = saved.version > fetched.version ? saved : fetched;
  return { ...text, acknowledgedAt: fetched.acknowledgedAt ?? saved.acknowledgedAt, closedAt: fetched.closedAt ?? saved.closedAt };
}
