/**
 * A reply being written stays in this tab (sessionStorage) until it is sent or put away, so a
 * reload does not lose it; nothing of it reaches the shared board. Kept per person, and
 * forgotten at sign-out (`forgetReplyDrafts`), so the next person on this browser never sees it.
 */
const PREFIX = 'alliance.reply-draft:';

/** The storage key of one person's reply being written on a card, or their edit of a reply. */
export function replyDraftKey(userId: string, what: { cardId: string } | { replyId: string }): string {
  return `${PREFIX}${userId}:${'cardId' in what ? `card:${what.cardId}` : `reply:${what.replyId}`}`;
}

export function readReplyDraft(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeReplyDraft(key: string, text: string | null): void {
  try {
    if (text === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, text);
  } catch {
    // Storage is off or full: the words stay on screen, only a reload loses them.
  }
}

/** Forgets every reply being written in this tab (at sign-out). */
export function forgetReplyDrafts(): void {
  try {
    for (let index = sessionStorage.length - 1; index >= 0; index--) {
      const key = sessionStorage.key(index);
      if (key?.startsWith(PREFIX)) sessionStorage.removeItem(key);
    }
  } catch {
    // nothing kept
  }
}
