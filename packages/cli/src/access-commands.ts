// The command-line side of `parley user` and `parley token`: flags (the start settings, so the same
// --data-dir, --domain, --auth, ... apply), the password from stdin, the invite link's address.
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { readConfig } from '@parley/service';
import { localAddresses } from '@parley/web';
import { prepareDataDir } from './data-dir.js';
import { loadOrCreateSecrets } from './secrets.js';
import { startSpec } from './start-config.js';
import { inviteLink, mintInvite, tokenSpec } from './token-command.js';
import { runUserCommand } from './user-command.js';

/** The password: the first line of stdin (piped), or typed at a prompt that does not echo it. */
function readPassword(): Promise<string> {
  const tty = process.stdin.isTTY;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
  if (tty) {
    process.stderr.write('Password: ');
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  }
  return new Promise((res, rej) => {
    let got = false;
    rl.once('line', (line) => {
      got = true;
      if (tty) process.stderr.write('\n');
      rl.close();
      res(line);
    });
    rl.once('close', () => {
      if (!got) rej(new Error('no password given (pipe it on stdin or type it at the prompt)'));
    });
  });
}

export async function runUserCli(argv: string[]): Promise<number> {
  const firstFlag = argv.findIndex((a) => a.startsWith('--'));
  const positional = firstFlag < 0 ? argv : argv.slice(0, firstFlag);
  const config = readConfig(startSpec, { argv: firstFlag < 0 ? [] : argv.slice(firstFlag), env: process.env });
  if (config.auth !== 'login' && positional[0] === 'add')
    console.error('parley: note: accounts matter only with --auth login (PARLEY_AUTH=login)');
  return runUserCommand(positional, {
    dataDir: resolve(config.dataDir),
    domain: config.domain,
    readPassword,
    print: (l) => console.log(l),
  });
}

export async function runTokenCli(argv: string[]): Promise<number> {
  const config = readConfig({ ...startSpec, ...tokenSpec }, { argv, env: process.env });
  if (config.auth !== 'token')
    console.error('parley: note: tokens are checked only with --auth token (PARLEY_AUTH=token)');
  prepareDataDir(resolve(config.dataDir));
  const { secrets } = loadOrCreateSecrets(resolve(config.dataDir));
  const token = await mintInvite(config, { ...config, tokenSecret: secrets.tokenSecret });
  const lan = localAddresses().find((a) => !a.startsWith('127.') && !a.includes(':')) ?? '127.0.0.1';
  const base = config.publicUrl || `https://${lan}:${config.httpsPort}/`;
  console.log(inviteLink(base, config.room, token));
  return 0;
}
