import type { ReadKind, RepairItemDto, RepairItemsDto, UpdateRepairInput } from '@alliance/shared';
import { call, client, readOptions } from '../../lib/api.js';

const repairs = client.workspaces[':id'].repairs;

/** The repair items the caller may see: open ones first. */
export function listRepairs(workspaceId: string, read: ReadKind = 'open'): Promise<RepairItemsDto> {
  return call(() => repairs.$get({ param: { id: workspaceId } }, readOptions(read)));
}

/** Writes fields of a repair item from `version` (refused with CONFLICT when it moved on). */
export function updateRepair(workspaceId: string, repairId: string, input: UpdateRepairInput): Promise<RepairItemDto> {
  return call(() => repairs[':repairId'].$put({ param: { id: workspaceId, repairId }, json: input }));
}

/** The therapist acknowledges a repair item. */
export function acknowledgeRepair(workspaceId: string, repairId: string): Promise<RepairItemDto> {
  return call(() => repairs[':repairId'].acknowledge.$post({ param: { id: workspaceId, repairId } }));
}

/** The client closes a repair item as repaired. */
export function closeRepair(workspaceId: string, repairId: string): Promise<RepairItemDto> {
  return call(() => repairs[':repairId'].close.$post({ param: { id: workspaceId, repairId } }));
}
