import { useState } from 'react';
import { Button } from '../../components/button.js';
import { navigate, paths } from '../../lib/router.js';
import { logOut } from './session.js';

export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const onClick = async () => {
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
  return (
    <>
      {failed && (
        <span className="inline-error" role="alert">
          Could not log out. Try again.
        </span>
      )}
      <Button variant="quiet" onClick={onClick} busy={busy}>
        Log out
      </Button>
    </>
  );
}
