import { MAX_TREND_NOTE, type TherapySessionDto, type TrendNoteDto, type UserDto, type WorkspaceDto } from '@alliance/shared';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/button.js';
import { addTrendNote, deleteTrendNote, errorMessage } from '../../lib/api.js';
import { dayKey, formatDay } from '../../lib/dates.js';

const ON_A_DAY = 'day';

/** Where a note sits, in words. */
function placeOf(note: TrendNoteDto): string {
  return note.sessionNumber !== null ? `Session ${note.sessionNumber}` : note.date ? formatDay(note.date) : 'Undated';
}

/**
 * Notes beside the trend: what was going on in life around a session ("moved house", "exam
 * week"), written by either member and read by both, shown as markers on the charts.
 */
export function TrendNotes({ workspace, user, sessions, notes, onChanged }: { workspace: WorkspaceDto; user: UserDto; sessions: readonly TherapySessionDto[]; notes: readonly TrendNoteDto[]; onChanged: () => void }) {
  const id = useId();
  const readOnly = workspace.archivedAt !== null;
  const newestFirst = [...sessions].sort((a, b) => b.number - a.number);
  const [where, setWhere] = useState<string>(() => newestFirst[0]?.id ?? ON_A_DAY);
  const [date, setDate] = useState(() => dayKey(new Date()));
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setError('Write a few words first.');
      document.getElementById(`${id}-text`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await addTrendNote(workspace.id, where === ON_A_DAY ? { date, text } : { sessionId: where, text });
      setText('');
      onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (note: TrendNoteDto) => {
    setRemoving(note.id);
    setError(null);
    try {
      await deleteTrendNote(workspace.id, note.id);
      onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <section className="trend-notes" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="trend-notes__title">
        Life around the sessions
      </h3>
      <p className="muted">Notes on what was going on — “moved house”, “exam week” — so the trend reads in context. Both of you see them; they show as ✎ on the charts.</p>
      {notes.length > 0 ? (
        <ul className="trend-notes__list">
          {notes.map((note) => (
            <li key={note.id} className="trend-note">
              <span className="trend-note__place">{placeOf(note)}</span>
              <span className="trend-note__text">{note.text}</span>
              <span className="trend-note__by muted">{note.authorId === user.id ? 'you' : note.authorRole === 'therapist' ? 'your therapist' : 'your client'}</span>
              {note.authorId === user.id && !readOnly && (
                <Button variant="quiet" busy={removing === note.id} onClick={() => void remove(note)} aria-label={`Remove your note “${note.text}”`}>
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No notes yet.</p>
      )}

      {!readOnly && (
        <form className="trend-notes__form" onSubmit={submit} noValidate>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-where`}>
              When
            </label>
            <select id={`${id}-where`} className="field__input" value={where} onChange={(event) => setWhere(event.target.value)}>
              {newestFirst.map((session) => (
                <option key={session.id} value={session.id}>
                  Session {session.number}, {formatDay(session.startedAt)}
                </option>
              ))}
              <option value={ON_A_DAY}>On a day…</option>
            </select>
          </div>
          {where === ON_A_DAY && (
            <div className="field">
              <label className="field__label" htmlFor={`${id}-date`}>
                Day
              </label>
              <input id={`${id}-date`} className="field__input" type="date" value={date} required onChange={(event) => setDate(event.target.value)} />
            </div>
          )}
          <div className="field trend-notes__text">
            <label className="field__label" htmlFor={`${id}-text`}>
              Note
            </label>
            <input id={`${id}-text`} className="field__input" value={text} maxLength={MAX_TREND_NOTE} placeholder="Moved house" onChange={(event) => setText(event.target.value)} aria-describedby={`${id}-count`} />
            <p className="field__hint" id={`${id}-count`}>
              {text.length} of {MAX_TREND_NOTE} characters
            </p>
          </div>
          <Button type="submit" variant="secondary" busy={busy}>
            Add the note
          </Button>
        </form>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
