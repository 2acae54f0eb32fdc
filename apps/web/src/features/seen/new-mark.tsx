import './seen.css';
/** A calm "New" beside something the other person added since your last look: in words, not colour only. */
export function NewMark({ what }: { what: string }) {
  return (
    <span className="new-mark">
      New<span className="visually-hidden"> {what} since you last looked</span>
    </span>
  );
}
