// Creates Prosody accounts (mod_auth_internal_hashed) before Prosody starts.
// Two ways, same result on disk (data/<host>/accounts/<user>.dat, SCRAM-SHA-1 keys):
//  - "file": written here with node:crypto (~1 ms per account, no process, no secret in argv);
//    used for printable-ASCII passwords, where SASLprep is the identity.
//  - "prosodyctl": `prosodyctl --config <cfg> register <user> <host> <password>` (~100 ms per account;
//    the password is briefly visible in the process list). Used for any other password.
import { createHash, createHmac, pbkdf2Sync, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { luaString } from './render.js';

export interface AccountSpec {
  user: string;
  host: string;
  password: string;
}

export type AccountMethod = 'file' | 'prosodyctl' | 'auto';

/** Prosody's datamanager encoding: every non-alphanumeric byte becomes %xx (lower-case hex). */
export function prosodyEncode(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

export function accountFilePath(dataPath: string, host: string, user: string): string {
  return join(dataPath, prosodyEncode(host), 'accounts', `${prosodyEncode(user)}.dat`);
}

/** The account record mod_auth_internal_hashed (0.12, password_hash SHA-1) stores. */
export function scramSha1Record(password: string, iterations = 10000, salt: string = randomUUID()) {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), iterations, 20, 'sha1');
  const clientKey = createHmac('sha1', salted).update('Client Key').digest();
  return {
    iteration_count: iterations,
    salt,
    server_key: createHmac('sha1', salted).update('Server Key').digest('hex'),
    stored_key: createHash('sha1').update(clientKey).digest('hex'),
  };
}

/** Whether a password can be hashed here without SASLprep (printable ASCII). */
export function isPlainAsciiPassword(p: string): boolean {
  return /^[\x20-\x7e]+$/.test(p);
}

export function writeAccountFile(dataPath: string, a: AccountSpec): string {
  const file = accountFilePath(dataPath, a.host, a.user);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const rec = scramSha1Record(a.password);
  const body =
    'return {\n' +
    Object.entries(rec)
      .map(([k, v]) => `\t[${luaString(k)}] = ${typeof v === 'number' ? v : luaString(v)};\n`)
      .join('') +
    '};\n';
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

export function registerWithProsodyctl(
  prosodyctl: string,
  configPath: string,
  a: AccountSpec,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(prosodyctl, ['--config', configPath, 'register', a.user, a.host, a.password], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`prosodyctl register ${a.user}@${a.host} failed to start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(`prosodyctl register ${a.user}@${a.host} failed (${signal ?? `exit ${code}`}): ${out.trim()}`),
        );
    });
  });
}

/** Creates (or resets the password of) each account. */
export async function createAccounts(opts: {
  accounts: AccountSpec[];
  dataPath: string;
  configPath: string;
  prosodyctl: string;
  method?: AccountMethod;
}): Promise<void> {
  const method = opts.method ?? 'auto';
  for (const a of opts.accounts) {
    if (method === 'file' || (method === 'auto' && isPlainAsciiPassword(a.password)))
      writeAccountFile(opts.dataPath, a);
    else await registerWithProsodyctl(opts.prosodyctl, opts.configPath, a);
  }
}
