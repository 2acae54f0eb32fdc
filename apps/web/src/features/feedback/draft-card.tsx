import { readString, setDraftShare, type DraftShare } from '@alliance/shared';
import { useEffect, useRef } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { CollabText, type CollabTextHandle } from '../../components/collab-text/index.js';
import { useYMap } from '../../sync/hooks.js';

/**
 * One of the client's private drafts: in the drafts document, which the therapist cannot
 * open. The client shares it now, schedules it for the start of the next session, or keeps it.
 */
export function DraftCard({
  draft,
  drafts,
  awareness,
  composing,
  therapistName,
  onShareNow,
  onKeep,
  onDelete,
  announce,
}: {
  draft: Y.Map<unknown>;
  drafts: Y.Doc;
  awareness: Awareness | null;
  /** Just added: the field has focus and the choice of where it goes is offered first. */
  composing: boolean;
  therapistName: string;
  onShareNow: (id: string) => void;
  onKeep: (id: string) => void;
  onDelete: (id: string) => void;
  announce: (message: string) => void;
}) {
  const fields = useYMap(draft);
  const id = readString(draft, 'id');
  const share = (fields.get('share') as DraftShare | undefined) ?? 'draft';
  const text = fields.get('text');
  const field = useRef<CollabTextHandle>(null);
  const textId = `draft-text-${id}`;
  const noteId = `draft-note-${id}`;
  const { asking: confirmingDelete, ask: askDelete, done: keepIt, triggerRef: deleteRef } = useConfirmStep();

  useEffect(() => {
    if (composing) field.current?.focus();
  }, [composing]);

  const schedule = (next: DraftShare) => {
    setDraftShare(drafts, id, next);
    announce(next === 'next-session' ? `It will reach ${therapistName} when your next session starts.` : 'Kept as a private draft.');
    if (composing) onKeep(id);
  };

  return (
    <article className={`draft-card${share === 'next-session' ? ' draft-card--scheduled' : ''}`} aria-labelledby={noteId}>
      <p className="draft-card__note" id={noteId}>
        <LockIcon />
        {share === 'next-session' ? 'Shared when your next session starts · only you can see it until then' : 'Private draft · Only you can see this'}
      </p>
      {text instanceof Y.Text && (
        <CollabText ref={field} text={text} awareness={awareness} id={textId} label="Feedback" describedBy={noteId} multiline placeholder="Write it here. Nobody else sees it until you share it." maxLength={20_000} className="draft-card__text" />
      )}
      <div className="feedback-card__actions">
        <Button variant={composing ? 'primary' : 'secondary'} onClick={() => onShareNow(id)} aria-describedby={textId}>
          Share now
        </Button>
        {share === 'draft' ? (
          <Button variant="quiet" onClick={() => schedule('next-session')} aria-describedby={textId}>
            Share at the start of our next session
          </Button>
        ) : (
          <Button variant="quiet" onClick={() => schedule('draft')} aria-describedby={textId}>
            Keep private instead
          </Button>
        )}
        {composing && share === 'draft' ? (
          <Button variant="quiet" onClick={() => onKeep(id)} aria-describedby={textId}>
            Keep as private draft
          </Button>
        ) : (
          !confirmingDelete && (
            <Button ref={deleteRef} variant="quiet" className="button--danger-quiet" onClick={askDelete} aria-describedby={textId}>
              Delete draft
            </Button>
          )
        )}
      </div>
      {confirmingDelete && (
        <Confirm question="Delete this draft?" confirmLabel="Delete" cancelLabel="Keep it" onConfirm={() => onDelete(id)} onCancel={keepIt}>
          It cannot be brought back.
        </Confirm>
      )}
    </article>
  );
}

function LockIcon() {
  return (
    <svg className="draft-card__lock" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2h.5A1.5 1.5 0 0 1 13.5 8.5v5A1.5 1.5 0 0 1 12 15H4a1.5 1.5 0 0 1-1.5-1.5v-5A1.5 1.5 0 0 1 4 7h.5Zm1.5 0h4V5a2 2 0 1 0-4 0v2Z" fill="currentColor" />
    </svg>
  );
}
