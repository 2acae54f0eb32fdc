import type { RepairItemDto, Role } from '@alliance/shared';

/** The words of a repair item for one reader: its title, who writes which field, where it stands. */

/** The field the reader writes their own view in, and the other person's. */
export function viewFields(role: Role): { mine: 'clientView' | 'therapistView'; theirs: 'clientView' | 'therapistView' } {
  return role === 'client' ? { mine: 'clientView', theirs: 'therapistView' } : { mine: 'therapistView', theirs: 'clientView' };
}

/** Where the item stands, for the reader: waiting for an acknowledgement, acknowledged, repaired. */
export function repairStatus(item: Pick<RepairItemDto, 'acknowledgedAt' | 'closedAt'>, role: Role, therapistName: string): string {
  if (item.closedAt) return 'Talked through and closed as repaired';
  if (item.acknowledgedAt) return role === 'therapist' ? 'You acknowledged it' : `${therapistName} acknowledged it`;
  return role === 'therapist' ? 'New: please acknowledge it' : `Waiting for ${therapistName} to acknowledge it`;
}

/** The one-line summary of the calm Repair section. */
export function repairSummary(open: number, closed: number): string {
  const parts = [open > 0 ? `${open} open` : null, closed > 0 ? `${closed} repaired` : null].filter(Boolean);
  return parts.join(' · ');
}
