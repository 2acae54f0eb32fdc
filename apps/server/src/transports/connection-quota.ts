/**
 * Counts each person's open realtime connections over both endpoints, so nobody can hold more
 * than `max` at once (each costs memory and a share of every broadcast).
 */
export class ConnectionQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a connection for `userId`; returns its release (idempotent), or null when they have none left. */
  take(userId: string): (() => void) | null {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.max) return null;
    this.open.set(userId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left > 0) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }
}
