import { CHECKIN_ITEM_SHORT, CHECKIN_ITEMS, CHOICES_OFFERED_LABELS, STEERING_LABELS, type CheckinDto } from '@alliance/shared';
import { useState } from 'react';
import { Button } from '../../components/button.js';
import { CheckinForm, VISIBILITY_CHOICES } from './checkin-form.js';

/**
 * The client's check-in on the open session: the form until they answer, then their answer
 * with a way to change it while the check-in is open.
 */
export function CheckinAnswer({ workspaceId, session, checkin, onSaved, onCancel }: { workspaceId: string; session: { id: string; number: number }; checkin: CheckinDto | null; onSaved: (checkin: CheckinDto) => void; onCancel?: () => void }) {
  const [editing, setEditing] = useState(checkin === null);
  const [saved, setSaved] = useState(false);
  if (editing || !checkin) {
    return (
      <CheckinForm
        workspaceId={workspaceId}
        sessionId={session.id}
        sessionNumber={session.number}
        existing={checkin}
        onSaved={(answer) => {
          setEditing(false);
          setSaved(true);
          onSaved(answer);
        }}
        onCancel={checkin ? () => setEditing(false) : onCancel}
      />
    );
  }
  return (
    <div className="checkin-answer">
      {saved && (
        <p className="success-text" role="status">
          Thank you. Your check-in for session {session.number} is saved.
        </p>
      )}
      <CheckinSummary checkin={checkin} />
      {checkin.open && (
        <Button variant="secondary" onClick={() => setEditing(true)}>
          Change my answer
        </Button>
      )}
    </div>
  );
}

/** A check-in in words, as its author reads it back. */
export function CheckinSummary({ checkin }: { checkin: CheckinDto }) {
  return (
    <dl className="checkin-summary">
      {CHECKIN_ITEMS.map((item) => (
        <div key={item}>
          <dt>{CHECKIN_ITEM_SHORT[item]}</dt>
          <dd>{checkin.items[item]} of 10</dd>
        </div>
      ))}
      <div>
        <dt>Who steered</dt>
        <dd>{STEERING_LABELS[checkin.steering]}</dd>
      </div>
      <div>
        <dt>Offered choices</dt>
        <dd>{CHOICES_OFFERED_LABELS[checkin.choicesOffered]}</dd>
      </div>
      {checkin.note && (
        <div className="checkin-summary__wide">
          <dt>Your note</dt>
          <dd>{checkin.note}</dd>
        </div>
      )}
      <div className="checkin-summary__wide">
        <dt>Your therapist sees it</dt>
        <dd>{VISIBILITY_CHOICES[checkin.visibility].label.toLowerCase()}</dd>
      </div>
    </dl>
  );
}
