/** A token bucket: `burst` tokens, refilled at `perSecond`. Time is injectable for tests. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether a token is there, without taking it. */
  get empty(): boolean {
    this.refill();
    return this.tokens < 1;
  }

  /** Whether the bucket is back to full (it can be forgotten). */
  get full(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

/** How much one realtime connection may send. */
export interface ConnectionLimits {
  /** Sync messages per second, sustained… */
  messagesPerSecond: number;
  /** …and in a burst (a reconnect's catch-up, fast typing). */
  messageBurst: number;
  /** Refused updates a connection may send in a row before it is dropped. */
  refusalsBeforeDisconnect: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { messagesPerSecond: 50, messageBurst: 400, refusalsBeforeDisconnect: 8 };

/**
 * What one connection may still send: a rate for its messages, and a count of refusals in a row
 * (an accepted update starts the count again) after which the connection is dropped — a client
 * that keeps sending what the server refuses is broken or hostile, and each refusal costs work.
 */
export class ConnectionBudget {
  private readonly messages: TokenBucket;
  private refusals = 0;

  constructor(
    private readonly limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
    now: () => number = Date.now,
  ) {
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now);
  }

  /** Counts a message; false when the connection is over its rate. */
  takeMessage(): boolean {
    return this.messages.take();
  }

  /** Counts a refusal; true when the connection has had enough of them and must be dropped. */
  refused(): boolean {
    this.refusals++;
    return this.refusals >= this.limits.refusalsBeforeDisconnect;
  }

  accepted(): void {
    this.refusals = 0;
  }
}
