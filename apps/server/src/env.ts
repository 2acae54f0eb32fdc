import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/**
 * How many reverse proxies stand in front of the server: `false`/unset 0, `true` 1, or a
 * number. Forwarding headers are read that many entries from the right, where the proxies
 * wrote them; anything further left was written by the client.
 */
const proxyHops = z
  .string()
  .regex(/^(true|false|\d{1,2})?$/, 'expected true, false or a number of proxy hops')
  .optional()
  .transform((value) => (value === 'true' ? 1 : value === 'false' || !value ? 0 : Number(value)));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** postgres://… to use Postgres; unset for the embedded PGlite database. */
  DATABASE_URL: z.string().url().optional(),
  /** Where PGlite keeps its files. */
  DATA_DIR: z.string().default('./data'),
  /** The address people use to reach the app, for invite links (default: the request's origin). */
  PUBLIC_URL: z.string().url().optional(),
  /** Behind reverse proxies: how many (see `proxyHops`), for the client address and Secure cookies. */
  TRUST_PROXY: proxyHops,
  SESSION_TTL_DAYS: z.coerce.number().positive().default(14),
  /** How often open realtime connections have their login session checked again (an ended one is closed). */
  SESSION_RECHECK_MS: z.coerce.number().int().positive().default(60_000),
  INVITE_TTL_HOURS: z.coerce.number().positive().default(72),
  /** Largest accepted realtime message (bytes); larger ones are refused with UPDATE_TOO_LARGE. */
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(1_000_000),
  /** A checkpoint is written after this many logged updates… */
  CHECKPOINT_EVERY_UPDATES: z.coerce.number().int().positive().default(500),
  /** …or this long after the first update since the last one. */
  CHECKPOINT_EVERY_MS: z.coerce.number().int().positive().default(30_000),
  /** How long a document stays loaded after its last member left (a quick reconnect reuses it). */
  ROOM_IDLE_UNLOAD_MS: z.coerce.number().int().min(0).default(1_000),
  /** Longest wait between two attempts to write the update log while the database is unreachable. */
  UPDATE_LOG_RETRY_MAX_MS: z.coerce.number().int().positive().default(2_000),
  /** A write of the update log that has not answered after this long is retried (retries are idempotent). */
  UPDATE_LOG_WRITE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** On shutdown, how long to keep trying to write unsaved updates before giving up on them. */
  SHUTDOWN_FLUSH_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Folder of the built web app to serve (default: apps/web/dist). */
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Serve runtime figures (event-loop delay, memory, open rooms) at /api/metrics for `npm run bench`. Off by default; never on a public server. */
  EXPOSE_METRICS: bool,
});

export type Env = z.infer<typeof envSchema>;

/** Reads and validates the environment. The only place that reads process.env. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
