import { z } from 'zod';
import { isLoopback } from './loopback.js';

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
  /** Default 0.0.0.0, or 127.0.0.1 when production serves plain http under ALLOW_HTTP_LOCALHOST. */
  HOST: z.string().min(1).optional(),
  /** postgres://… to use Postgres; unset for the embedded PGlite database. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * redis://… to run as one of several server processes on one Postgres: workspace events and
   * archiving reach every process, and rate limits count in Redis. Unset: one process.
   */
  REDIS_URL: z.string().url().optional(),
  /** Starts every Redis channel and key of this deployment, so deployments (or test runs) sharing a Redis stay apart. */
  REDIS_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, _ . : - only').default('alliance'),
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
  /** A document stops growing at about this size (bytes): further additions get DOCUMENT_TOO_LARGE. */
  MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(16_000_000),
  /** Accepted edits kept in memory while the database is unreachable, in bytes; past it edits are refused for now (NOT_SAVED) and clients keep them. */
  MAX_UNSAVED_BYTES: z.coerce.number().int().positive().default(64_000_000),
  /** Documents one person may have open at once, over all their connections. */
  MAX_OPEN_DOCS_PER_USER: z.coerce.number().int().positive().default(60),
  /** Refused updates one person may send per minute before their updates are refused unread for a while (each refusal costs the server work). */
  MAX_REFUSALS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Realtime messages one connection may send per second, sustained (a burst of eight times as many). */
  MAX_MESSAGES_PER_SECOND: z.coerce.number().int().positive().default(50),
  /** Realtime connections one person may have at once (both endpoints together). */
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(30),
  /** Workspaces one therapist may create. */
  MAX_WORKSPACES_PER_USER: z.coerce.number().int().positive().default(500),
  /** How long a server process's hold on an open document lasts unless renewed (renewed every third of it). */
  DOC_LEASE_TTL_MS: z.coerce.number().int().positive().default(6_000),
  /** Validate every open document whole after every accepted update (a test setting: it costs a full walk per update). */
  VALIDATE_EVERY_UPDATE: bool,
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
  /** When set, /api/metrics answers only `Authorization: Bearer <token>`; unset, only callers on loopback. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /**
   * Production without an https PUBLIC_URL is refused unless this is set: then it serves plain
   * http on a loopback address only (HOST defaults to 127.0.0.1), for trying it on one machine.
   */
  ALLOW_HTTP_LOCALHOST: bool,
});

type ParsedEnv = z.infer<typeof envSchema>;

/** PUBLIC_URL as a URL; undefined when unset or (already reported) unreadable. */
const publicUrlOf = (env: ParsedEnv) => (env.PUBLIC_URL && URL.canParse(env.PUBLIC_URL) ? new URL(env.PUBLIC_URL) : undefined);
const hasHttpsPublicUrl = (env: ParsedEnv) => publicUrlOf(env)?.protocol === 'https:';

/** Production over plain http, allowed for local use: nothing beyond loopback may reach it. */
const servesLocalHttp = (env: ParsedEnv) => env.NODE_ENV === 'production' && !hasHttpsPublicUrl(env) && env.ALLOW_HTTP_LOCALHOST;

/**
 * In production the session cookie is Secure, so the app must be reached over https: an
 * https PUBLIC_URL, or (for local use, where browsers treat loopback as secure) plain http on
 * loopback only.
 */
function checkProductionServing(env: ParsedEnv, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV !== 'production' || hasHttpsPublicUrl(env)) return;
  if (!env.ALLOW_HTTP_LOCALHOST) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: `NODE_ENV=production needs an https:// PUBLIC_URL (the address people use), ${env.PUBLIC_URL ? `not ${env.PUBLIC_URL}` : 'and none is set'}; to run over http on this machine only, set ALLOW_HTTP_LOCALHOST=true`,
    });
    return;
  }
  if (env.HOST !== undefined && !isLoopback(env.HOST)) {
    ctx.addIssue({
      code: 'custom',
      path: ['HOST'],
      message: `ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not HOST=${env.HOST}; to serve other machines, set an https:// PUBLIC_URL`,
    });
  }
  const publicUrl = publicUrlOf(env);
  if (publicUrl && !isLoopback(publicUrl.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: `ALLOW_HTTP_LOCALHOST serves http on a loopback address only, not PUBLIC_URL=${env.PUBLIC_URL}; a public address needs https://`,
    });
  }
}

/** Several processes share one database only on Postgres: PGlite's files belong to one process. */
function checkScaleOut(env: ParsedEnv, ctx: z.RefinementCtx): void {
  if (env.REDIS_URL && !env.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'several server processes need a shared Postgres: set DATABASE_URL too, or unset REDIS_URL for one process' });
  }
}

const configSchema = envSchema
  .superRefine(checkProductionServing)
  .superRefine(checkScaleOut)
  .transform((env) => ({
    ...env,
    HOST: env.HOST ?? (servesLocalHttp(env) ? '127.0.0.1' : '0.0.0.0'),
  }));

export type Env = z.infer<typeof configSchema>;

/** Reads and validates the environment. The only place that reads process.env. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = configSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
