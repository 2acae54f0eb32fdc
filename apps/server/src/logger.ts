/**
 * A tiny structured logger. It is given event names and ids, never workspace content: therapy
 * data stays out of logs.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>;
  event: string;
  fields: Record<string, unknown>;
}

/**
 * A logger at `level`. With `sink`, every entry (whatever the level) is also handed to it: tests
 * keep them to check that no invariant broke while the server ran.
 */
export function createLogger(level: LogLevel = 'info', sink?: (entry: LogEntry) => void): Logger {
  const write = (at: Exclude<LogLevel, 'silent'>) => (event: string, fields: Record<string, unknown> = {}) => {
    sink?.({ level: at, event, fields });
    if (ORDER[at] < ORDER[level]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: at, event, ...fields });
    if (at === 'error' || at === 'warn') console.error(line);
    else console.log(line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The name and message of an error, without its stack (for logs; never sent to clients). */
export function describeError(error: unknown): { error: string } {
  if (error instanceof Error) return { error: `${error.name}: ${error.message}` };
  return { error: String(error) };
}
