import './repairs.css';
import type { RepairItemDto, WorkspaceDto } from '@alliance/shared';
import { useCallback, useState } from 'react';
import { lazyPart } from '../../components/lazy-part.js';
import { useResource } from '../../lib/use-resource.js';
import { isNewSince } from '../seen/new-since.js';
import { useSeen } from '../seen/use-seen.js';
import { latestOf } from './latest.js';
import { listRepairs } from './repairs-api.js';
import { repairSummary } from './repair-words.js';

// Most workspaces have no repair item most of the time: the items' code loads when one is shown.
const RepairItem = lazyPart(() => import('./repair-item.js'), 'RepairItem');

/**
 * The workspace's repair items, above every tab. During a session the open ones are pinned
 * there in full, so both can talk them through; a new one the therapist has not acknowledged
 * is pinned at any time — that is how they hear of a check-in that dropped. Otherwise they wait
 * in a calm Repair section, folded, with the ones already repaired.
 */
export function RepairBanner({ workspace, inSession, userId }: { workspace: WorkspaceDto; inSession: boolean; userId: string }) {
  const repairs = useResource(`repairs:${workspace.id}`, (read) => listRepairs(workspace.id, read), { workspaceId: workspace.id });
  const { reload } = repairs;
  // What this page saved, by item: a list fetched before a save may come back after it.
  const [saved, setSaved] = useState<ReadonlyMap<string, RepairItemDto>>(new Map());
  const items = repairs.state.status === 'ready' ? repairs.state.data.repairs.map((item) => latestOf(item, saved.get(item.id))) : [];
  const onChanged = useCallback(
    (changed: RepairItemDto | null) => {
      if (!changed) return reload();
      setSaved((known) => new Map(known).set(changed.id, changed));
    },
    [reload],
  );
  const { seenAt } = useSeen(workspace.id, 'repairs', { enabled: workspace.archivedAt === null });
  if (items.length === 0) return null;

  const role = workspace.role;
  const other = workspace.members.find((member) => member.userId !== userId && member.role !== role);
  const therapist = workspace.members.find((member) => member.role === 'therapist');
  const names = {
    other: other?.name ?? (role === 'client' ? 'your therapist' : 'your client'),
    therapist: role === 'therapist' ? 'you' : (therapist?.name ?? 'your therapist'),
  };
  const readOnly = workspace.archivedAt !== null;
  const open = items.filter((item) => item.closedAt === null);
  const closed = items.filter((item) => item.closedAt !== null);
  const pinned = open.filter((item) => inSession || (role === 'therapist' && item.acknowledgedAt === null));
  const folded = [...open.filter((item) => !pinned.includes(item)), ...closed];
  const render = (item: RepairItemDto) => <RepairItem key={item.id} loading="Opening a repair item…" item={item} workspaceId={workspace.id} role={role} names={names} readOnly={readOnly} isNew={isNewSince(item.openedAt, seenAt)} onChanged={onChanged} />;

  return (
    <>
      {pinned.length > 0 && (
        <section className="repairs repairs--pinned" aria-labelledby="repairs-pinned-title">
          <h2 className="repairs__title" id="repairs-pinned-title">
            Let’s talk this through
          </h2>
          <p className="repairs__intro">
            {role === 'therapist'
              ? 'Something did not feel right for your client. Talking about it openly is part of the work: acknowledge it, then write how you each saw it.'
              : 'Something did not feel right. Talking about it openly is part of the work: you each write how you saw it, and you close it when it feels repaired.'}
          </p>
          {pinned.map(render)}
        </section>
      )}
      {folded.length > 0 && (
        <details className="repairs repairs--calm">
          <summary className="repairs__summary">
            <span className="repairs__summary-title">Repair</span> <span className="muted">{repairSummary(open.length - pinned.length, closed.length)}</span>
          </summary>
          {folded.map(render)}
        </details>
      )}
    </>
  );
}
