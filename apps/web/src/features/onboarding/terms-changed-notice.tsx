import type { TermsDto, WorkspaceDto } from '@alliance/shared';
import { Button } from '../../components/button.js';
import { termsStanding } from './onboarding.js';

/**
 * For a client in the open workspace when the therapist changes "How we work": nothing stops,
 * they read it when they like, and are asked to the next time they open the workspace.
 */
export function TermsChangedNotice({ workspace, terms, onRead }: { workspace: WorkspaceDto; terms: TermsDto; onRead: () => void }) {
  if (workspace.role !== 'client' || workspace.archivedAt !== null || !termsStanding(terms, 'client').changed) return null;
  const therapistName = workspace.members.find((member) => member.role === 'therapist')?.name ?? 'Your therapist';
  return (
    <div className="terms-changed" role="status">
      <p>
        <strong>{therapistName} has updated How we work.</strong> Carry on as you are: read it when you are ready. You will be asked to the next time you open the workspace.
      </p>
      <Button variant="secondary" onClick={onRead}>
        Read what changed
      </Button>
    </div>
  );
}
