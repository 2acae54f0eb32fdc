import { useEffect, useState } from 'react';
import { Button } from '../../components/button.js';
import { Notice, Page } from '../../components/layout.js';
import { SaveIndicator } from '../../components/save-indicator.js';
import { countKeptChangesOfLastUser, refreshSession } from './session.js';

/**
 * Shown when the server cannot be reached on start (e.g. the page was reloaded offline). The
 * workspace itself is not kept on the device, so it cannot be shown; what is kept here — the
 * person's changes waiting for the server — is counted, and the app tries again as soon as the
 * browser is back online.
 */
export function UnreachablePage({ message }: { message: string }) {
  const [kept, setKept] = useState(0);
  useEffect(() => {
    let current = true;
    void countKeptChangesOfLastUser().then((count) => current && setKept(count));
    return () => {
      current = false;
    };
  }, []);
  useEffect(() => {
    const retry = () => void refreshSession();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, []);

  return (
    <Page title="Alliance is not reachable">
      {kept > 0 && <SaveIndicator status="offline" kept={kept} />}
      <Notice tone="error">{message}</Notice>
      <Button variant="primary" onClick={() => void refreshSession()}>
        Try again
      </Button>
    </Page>
  );
}
