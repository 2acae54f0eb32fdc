import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { navigate, paths } from '../../lib/router.js';
import { countWaitingEdits, logOut } from './session.js';

/**
 * Signs out. Signing out removes the person's edits kept on this device, so while some are
 * not stored on the server yet it asks first, saying how many would be lost.
 */
export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const { asking, ask, done, triggerRef } = useConfirmStep();

  const leave = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await logOut();
      navigate(paths.login(), { replace: true });
    } catch {
      setFailed(true);
      setBusy(false);
    }
  };

  const onClick = async () => {
    setBusy(true);
    const count = await countWaitingEdits();
    if (count === 0) return leave();
    setBusy(false);
    setWaiting(count);
    ask();
  };

  return (
    <span className="logout">
      {failed && (
        <span className="inline-error" role="alert">
          Could not log out. Try again.
        </span>
      )}
      {asking ? (
        <span className="logout__confirm">
          <Confirm
            question="Log out and lose unsaved changes?"
            confirmLabel="Log out anyway"
            cancelLabel="Stay logged in"
            busy={busy}
            onConfirm={() => void leave().then(done)}
            onCancel={done}
          >
            {waiting === 1 ? '1 change you made is' : `${waiting} changes you made are`} not on the server yet. Logging out removes them from this device. Stay
            logged in until it says “Saved” to keep them.
          </Confirm>
        </span>
      ) : (
        <Button variant="quiet" onClick={() => void onClick()} busy={busy} ref={triggerRef}>
          Log out
        </Button>
      )}
    </span>
  );
}
