// `parley user add|remove|list`: the accounts that may start meetings in access mode "login"
// (Prosody internal_hashed accounts on the main domain, in the data dir's Prosody). Works whether
// or not the stack runs: Prosody reads an account from disk at each login.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accountFilePath, createAccounts, findProsody, prosodyEncode, prosodyPaths } from '@parley/xmpp-config';

export interface UserCommandOptions {
  dataDir: string;
  domain: string;
  /** Reads the password (stdin or a prompt) when adding. */
  readPassword: () => Promise<string>;
  print: (line: string) => void;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function prosodyDirs(dataDir: string) {
  const paths = prosodyPaths({ dataDir: resolve(dataDir, 'prosody') });
  return { data: paths.data, config: paths.config };
}

function checkName(name: string | undefined): string {
  if (!name) throw new Error('a user name is needed: parley user add NAME');
  if (!USERNAME.test(name))
    throw new Error(
      `user name "${name}": use lower case a-z, 0-9, ".", "_", "-" (at most 64, starting with a letter or digit)`,
    );
  return name;
}

/** Decodes Prosody's datamanager file names (%xx escapes). */
function prosodyDecode(s: string): string {
  return Buffer.from(
    s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

export function listUsers(dataDir: string, domain: string): string[] {
  const dir = join(prosodyDirs(dataDir).data, prosodyEncode(domain), 'accounts');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .map((f) => prosodyDecode(f.slice(0, -4)))
    .sort();
}

export async function runUserCommand(args: string[], o: UserCommandOptions): Promise<number> {
  const [action, name] = args;
  const { data, config } = prosodyDirs(o.dataDir);
  if (action === 'list') {
    const users = listUsers(o.dataDir, o.domain);
    for (const u of users) o.print(`${u}@${o.domain}`);
    if (users.length === 0) o.print(`no accounts on ${o.domain} (add one with: parley user add NAME)`);
    return 0;
  }
  if (action === 'add') {
    const user = checkName(name);
    const password = await o.readPassword();
    if (password.length < 8) throw new Error('the password needs at least 8 characters');
    if (/[\x00-\x1f\x7f]/.test(password)) throw new Error('the password must not contain control characters');
    await createAccounts({
      accounts: [{ user, host: o.domain, password }],
      dataPath: data,
      configPath: config,
      prosodyctl: findProsody().prosodyctl,
    });
    o.print(`${user}@${o.domain} can now log in and start meetings (with --auth login)`);
    return 0;
  }
  if (action === 'remove') {
    const user = checkName(name);
    const file = accountFilePath(data, o.domain, user);
    if (!existsSync(file)) throw new Error(`no account ${user}@${o.domain} in ${data}`);
    rmSync(file);
    o.print(`${user}@${o.domain} removed; a meeting already running goes on`);
    return 0;
  }
  throw new Error(`unknown user action "${action ?? ''}": parley user add NAME | remove NAME | list`);
}
