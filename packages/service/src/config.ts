// One typed config object per service, read from flags, then env, then defaults. Unknown flags
// and bad values are errors that name the setting; `--help` text is generated from the same spec.

export interface Field<T> {
  describe: string;
  /** Environment variable, e.g. PARLEY_DOMAIN. */
  env?: string;
  /** Flag without dashes, e.g. "domain" for --domain. */
  flag?: string;
  default?: T;
  required?: boolean;
  parse(raw: string, key: string): T;
  /** How the type reads in --help. */
  kind: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Spec = Record<string, Field<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

type Opts<T> = Omit<Field<T>, 'parse' | 'kind'>;

export const field = {
  string: (o: Opts<string> & { pattern?: RegExp; hint?: string }): Field<string> => ({
    ...o,
    kind: 'text',
    parse(raw, key) {
      if (o.pattern && !o.pattern.test(raw))
        throw new ConfigError(`${key}: "${raw}" is not ${o.hint ?? `matching ${o.pattern}`}`);
      return raw;
    },
  }),
  int: (o: Opts<number> & { min?: number; max?: number }): Field<number> => ({
    ...o,
    kind: 'number',
    parse(raw, key) {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
        throw new ConfigError(`${key}: "${raw}" is not a whole number`);
      if (o.min !== undefined && n < o.min) throw new ConfigError(`${key}: ${n} is below the minimum ${o.min}`);
      if (o.max !== undefined && n > o.max) throw new ConfigError(`${key}: ${n} is above the maximum ${o.max}`);
      return n;
    },
  }),
  port: (o: Opts<number> & { allowZero?: boolean }): Field<number> => ({
    ...o,
    kind: 'port',
    parse(raw, key) {
      const n = Number(raw);
      const min = o.allowZero ? 0 : 1;
      if (!/^\d+$/.test(raw.trim()) || n < min || n > 65535)
        throw new ConfigError(`${key}: "${raw}" is not a port (${min}-65535)`);
      return n;
    },
  }),
  bool: (o: Opts<boolean>): Field<boolean> => ({
    ...o,
    kind: 'true|false',
    parse(raw, key) {
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${key}: "${raw}" is not true or false`);
    },
  }),
  oneOf: <T extends string>(values: readonly T[], o: Opts<T>): Field<T> => ({
    ...o,
    kind: values.join('|'),
    parse(raw, key) {
      if (!(values as readonly string[]).includes(raw))
        throw new ConfigError(`${key}: "${raw}" is not one of ${values.join(', ')}`);
      return raw as T;
    },
  }),
  list: (o: Opts<string[]> & { item?: (s: string, key: string) => void }): Field<string[]> => ({
    ...o,
    kind: 'a,b,c',
    parse(raw, key) {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const i of items) o.item?.(i, key);
      return items;
    },
  }),
};

export interface ReadOptions {
  argv?: string[];
  env?: Record<string, string | undefined>;
  /** Values from code or a file; unknown keys are errors. */
  values?: Record<string, unknown>;
}

/** Reads a config: explicit values, then --flags, then env, then defaults. Throws ConfigError. */
export function readConfig<S extends Spec>(spec: S, opts: ReadOptions = {}): ConfigOf<S> {
  const env = opts.env ?? {};
  const fromFlags = parseFlags(spec, opts.argv ?? []);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(opts.values ?? {})) {
    if (!(key in spec)) throw new ConfigError(`unknown setting "${key}"; known: ${Object.keys(spec).join(', ')}`);
  }
  for (const [key, f] of Object.entries(spec)) {
    const given = opts.values?.[key];
    if (given !== undefined) {
      out[key] = typeof given === 'string' ? f.parse(given, key) : checkTyped(f, given, key);
      continue;
    }
    const name = f.flag ? `--${f.flag}` : undefined;
    const raw = fromFlags[key] ?? (f.env ? env[f.env] : undefined);
    if (raw !== undefined && raw !== '') {
      const label = fromFlags[key] !== undefined ? name! : f.env!;
      out[key] = f.parse(raw, label);
    } else if (f.default !== undefined) {
      out[key] = f.default;
    } else if (f.required) {
      throw new ConfigError(
        `missing setting "${key}"${f.flag ? ` (--${f.flag})` : ''}${f.env ? ` (env ${f.env})` : ''}: ${f.describe}`,
      );
    }
  }
  return out as ConfigOf<S>;
}

function checkTyped(f: Field<unknown>, v: unknown, key: string): unknown {
  return f.parse(Array.isArray(v) ? v.join(',') : String(v), key);
}

function parseFlags(spec: Spec, argv: string[]): Record<string, string> {
  const byFlag = new Map<string, string>();
  for (const [key, f] of Object.entries(spec)) if (f.flag) byFlag.set(f.flag, key);
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--'))
      throw new ConfigError(`unexpected argument "${arg}"; settings are given as --name value`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const key = byFlag.get(name);
    if (!key) throw new ConfigError(`unknown flag --${name}; see --help`);
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (spec[key].kind === 'true|false' && (argv[i + 1] === undefined || argv[i + 1].startsWith('--')))
      value = 'true';
    else if (argv[i + 1] === undefined) throw new ConfigError(`--${name} needs a value`);
    else value = argv[++i];
    out[key] = value;
  }
  return out;
}

export function configHelp(spec: Spec): string {
  const rows = Object.values(spec).map((f) => {
    const left = [f.flag ? `--${f.flag} <${f.kind}>` : '', f.env ? `(${f.env})` : ''].filter(Boolean).join(' ');
    const def =
      f.default !== undefined && !(Array.isArray(f.default) && f.default.length === 0)
        ? ` [default: ${String(f.default)}]`
        : '';
    return `  ${left.padEnd(44)} ${f.describe}${def}`;
  });
  return rows.join('\n');
}
