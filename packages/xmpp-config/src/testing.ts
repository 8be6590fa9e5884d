// Helpers for tests and for `parley start`: free ports, secrets, a throwaway Prosody.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProsodyAccess } from './access.js';
import type { AccountMethod, AccountSpec } from './accounts.js';
import { startProsody, type RunningProsody } from './launcher.js';
import {
  prosodyDomains,
  validateProsodySettings,
  type ProsodyDomains,
  type ProsodyLogLevel,
  type ProsodySettingsInput,
} from './settings.js';

/** A random secret: `bytes` random bytes as base64url (24 bytes -> 32 characters). */
export function generateSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** A TCP port that was free on 127.0.0.1 a moment ago (listen on :0, read, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** n distinct free ports (all held open together, then released). */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      const srv = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, host, () => resolve(srv));
      });
    }),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface TestProsody extends RunningProsody {
  domains: ProsodyDomains;
  dataDir: string;
}

/**
 * A Prosody on loopback, free ports, random secrets, in a temp dir that stop() removes.
 * Domain "parley.test"; bridge account jvb@auth.parley.test, focus component focus.parley.test.
 */
export async function makeTestProsody(
  opts: {
    domain?: string;
    logLevel?: ProsodyLogLevel;
    log?: (line: string) => void;
    keepDataDir?: boolean;
    prosodyBinary?: string;
    accounts?: AccountSpec[];
    accountMethod?: AccountMethod;
    /** TURN credentials for sessions (XEP-0215), as `parley start --turn` configures them. */
    turn?: ProsodySettingsInput['turn'];
    /** Access mode (default: anonymous guests on the main domain). */
    access?: Partial<ProsodyAccess>;
  } = {},
): Promise<TestProsody> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-prosody-'));
  try {
    const [c2s, http, component] = await freePorts(3);
    const settings = validateProsodySettings({
      domain: opts.domain ?? 'parley.test',
      interfaces: ['127.0.0.1'],
      ports: { c2s, http, component },
      dataDir,
      focus: { secret: generateSecret() },
      bridgeAccount: { password: generateSecret() },
      focusAccount: { password: generateSecret() },
      logLevel: opts.logLevel ?? 'info',
      c2sRequireEncryption: false,
      ...(opts.turn ? { turn: opts.turn } : {}),
      ...(opts.access ? { access: opts.access } : {}),
    });
    const running = await startProsody({
      settings,
      log: opts.log,
      prosodyBinary: opts.prosodyBinary,
      accounts: opts.accounts,
      accountMethod: opts.accountMethod,
    });
    let cleaned: Promise<void> | undefined;
    const stop = () =>
      (cleaned ??= running.stop().then(() => {
        if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      }));
    return { ...running, stop, domains: prosodyDomains(settings), dataDir };
  } catch (e) {
    if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
