import { MAX_REPAIR_TEXT, repairTitle, type RepairItemDto, type Role } from '@alliance/shared';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { errorMessage, isApiError } from '../../lib/api.js';
import { NewMark } from '../seen/new-mark.js';
import { acknowledgeRepair, closeRepair, updateRepair } from './repairs-api.js';
import { repairStatus, viewFields } from './repair-words.js';

type TextField = 'whatHappened' | 'clientView' | 'therapistView' | 'willChange';

/** The fields the reader writes: what happened, their own view, what we will change. */
function writableFields(role: Role): TextField[] {
  return ['whatHappened', viewFields(role).mine, 'willChange'];
}

function textsOf(item: RepairItemDto): Record<TextField, string> {
  return { whatHappened: item.whatHappened, clientView: item.clientView, therapistView: item.therapistView, willChange: item.willChange };
}

/**
 * One repair item: what happened, how each of them saw it, what they will change. Each writes
 * their own view and both the shared fields; the therapist acknowledges it, the client closes
 * it as repaired. A save names the version it started from, so words written meanwhile by the
 * other person are never overwritten unseen.
 */
export function RepairItem({
  item,
  workspaceId,
  role,
  names,
  readOnly,
  isNew = false,
  onChanged,
}: {
  item: RepairItemDto;
  workspaceId: string;
  role: Role;
  /** The other person's name, and the therapist's. */
  names: { other: string; therapist: string };
  readOnly: boolean;
  /** Opened since the reader last looked. */
  isNew?: boolean;
  onChanged: (item: RepairItemDto | null) => void;
}) {
  const baseId = useId();
  const { theirs } = viewFields(role);
  const [texts, setTexts] = useState(() => textsOf(item));
  const [edited, setEdited] = useState<ReadonlySet<TextField>>(new Set());
  const [busy, setBusy] = useState<'save' | 'acknowledge' | 'close' | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  // What the other person saved shows up when a new version arrives, except in a box the reader is writing in.
  const [seenVersion, setSeenVersion] = useState(item.version);
  if (item.version !== seenVersion) {
    setSeenVersion(item.version);
    const saved = textsOf(item);
    for (const field of edited) saved[field] = texts[field];
    setTexts(saved);
  }

  const closed = item.closedAt !== null;
  const canWrite = !readOnly && !closed;
  const dirty = writableFields(role).some((field) => texts[field] !== textsOf(item)[field]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('save');
    setMessage(null);
    const changes = Object.fromEntries(writableFields(role).filter((field) => texts[field] !== textsOf(item)[field]).map((field) => [field, texts[field]]));
    try {
      const saved = await updateRepair(workspaceId, item.id, { version: item.version, ...changes });
      setEdited(new Set());
      setMessage({ tone: 'ok', text: 'Saved. You both see it now.' });
      onChanged(saved);
    } catch (error) {
      setMessage({
        tone: 'error',
        text: isApiError(error, 'CONFLICT') && !closed ? `${names.other} saved changes while you were writing. Their words are shown now; yours are still in your boxes: save again to keep them.` : errorMessage(error),
      });
      onChanged(null);
    } finally {
      setBusy(null);
    }
  };

  const act = async (which: 'acknowledge' | 'close') => {
    setBusy(which);
    setMessage(null);
    try {
      onChanged(await (which === 'acknowledge' ? acknowledgeRepair : closeRepair)(workspaceId, item.id));
    } catch (error) {
      setMessage({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(null);
    }
  };

  const box = (field: TextField, label: string, hint?: string) => (
    <div className="field">
      <label className="field__label" htmlFor={`${baseId}-${field}`}>
        {label}
      </label>
      {hint && (
        <p className="field__hint" id={`${baseId}-${field}-hint`}>
          {hint}
        </p>
      )}
      <textarea
        id={`${baseId}-${field}`}
        className="field__input"
        rows={2}
        maxLength={MAX_REPAIR_TEXT}
        value={texts[field]}
        aria-describedby={hint ? `${baseId}-${field}-hint` : undefined}
        readOnly={!canWrite}
        onChange={(event) => {
          const value = event.target.value;
          setTexts((current) => ({ ...current, [field]: value }));
          setEdited((current) => new Set(current).add(field));
          setMessage(null);
        }}
      />
    </div>
  );

  return (
    <article className={`repair${role === 'therapist' && !item.acknowledgedAt && !closed ? ' repair--new' : ''}`} aria-labelledby={`${baseId}-title`}>
      <header className="repair__head">
        <h3 className="repair__title" id={`${baseId}-title`}>
          {repairTitle(item)}
          {isNew && (
            <>
              {' '}
              <NewMark what="repair item" />
            </>
          )}
        </h3>
        <p className="repair__status">{repairStatus(item, role, names.therapist)}</p>
      </header>
      <form className="repair__form" onSubmit={(event) => void save(event)}>
        {box('whatHappened', 'What happened', 'You both write here.')}
        {box(viewFields(role).mine, 'How I saw it', `Yours: ${names.other} reads it but cannot change it.`)}
        <div className="repair__theirs">
          <p className="field__label">How {names.other} saw it</p>
          {item[theirs] ? <p className="repair__text">{item[theirs]}</p> : <p className="muted">Not written yet.</p>}
        </div>
        {box('willChange', 'What we will change', 'You both write here.')}
        {canWrite && (
          <div className="button-row">
            <Button type="submit" variant={dirty ? 'primary' : 'secondary'} busy={busy === 'save'} disabled={!dirty}>
              Save
            </Button>
            {role === 'therapist' && !item.acknowledgedAt && (
              <Button variant="primary" busy={busy === 'acknowledge'} onClick={() => void act('acknowledge')}>
                Acknowledge
              </Button>
            )}
            {role === 'client' && (
              <Button variant="secondary" busy={busy === 'close'} disabled={dirty} onClick={() => void act('close')}>
                Close as repaired
              </Button>
            )}
          </div>
        )}
        {role === 'client' && canWrite && dirty && <p className="field__hint">Save your words before you close it.</p>}
        {message && (
          <p className={message.tone === 'ok' ? 'success-text' : 'field__error'} role={message.tone === 'ok' ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
      </form>
    </article>
  );
}
