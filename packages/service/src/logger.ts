// Structured logs: one JSON object per line, with the service name and whatever ids the caller
// binds (conference, endpoint). Humans read them with `jq`; machines read them as they are.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(rank) as LogLevel[];

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(service: string, opts: LoggerOptions = {}, bound: Record<string, unknown> = {}): Logger {
  const min = rank[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const emit =
    (level: LogLevel) =>
    (event: string, fields: Record<string, unknown> = {}) => {
      if (rank[level] < min) return;
      const record: Record<string, unknown> = { ts: now().toISOString(), level, service, event, ...bound, ...fields };
      for (const [k, v] of Object.entries(record)) if (v instanceof Error) record[k] = v.message;
      write(JSON.stringify(record));
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger(service, opts, { ...bound, ...fields }),
  };
}

/** A logger that keeps nothing; for tests that do not look at logs. */
export const silentLogger: Logger = createLogger('silent', { write: () => {} });
