import { useState } from 'react';
import { Button } from '../../components/button.js';
import { Confirm, useConfirmStep } from '../../components/confirm.js';
import { Notice } from '../../components/layout.js';
import { errorMessage } from '../../lib/api.js';
import { navigate, paths } from '../../lib/router.js';
import { logOutEverywhere } from './session.js';

/** Ends every session of the person (this one too): for a lost phone or a shared computer. */
export function LogOutEverywhere() {
  const { asking, ask, done, triggerRef } = useConfirmStep();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onConfirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await logOutEverywhere();
      navigate(paths.login(), { replace: true });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
      done();
    }
  };

  return (
    <div className="stack">
      <p className="muted">Logs you out on this device and on every other phone, tablet or computer where you are logged in. Open workspaces there close.</p>
      {error && <Notice tone="error">{error}</Notice>}
      {asking ? (
        <Confirm
          question="Log out everywhere?"
          confirmLabel="Log out everywhere"
          cancelLabel="Cancel"
          onConfirm={() => void onConfirm()}
          onCancel={done}
          busy={busy}
        >
          You will need your password to log in again, here too.
        </Confirm>
      ) : (
        <Button ref={triggerRef} onClick={ask}>
          Log out everywhere
        </Button>
      )}
    </div>
  );
}
