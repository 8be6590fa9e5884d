// Janus (Debian's package) as a child process of the benchmark: installed on first use, configured in a
// temp dir so that only the HTTP transport (on 127.0.0.1) and the VideoRoom plugin load, ICE gathers on
// the loopback interface only, and no STUN/TURN server is configured: nothing leaves the machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@parley/xmpp-config';

const JANUS = '/usr/bin/janus';
const LIB = '/usr/lib/x86_64-linux-gnu/janus';

/** Installs Debian's janus package when /usr/bin/janus is missing, saying so on stderr. */
export function ensureJanus(): void {
  if (existsSync(JANUS)) return;
  process.stderr.write('bench:load: /usr/bin/janus is missing: apt-get install -y janus (Debian package)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'janus']]) {
    process.stderr.write(`bench:load: apt-get ${args.join(' ')}\n`);
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
  if (!existsSync(JANUS)) throw new Error('apt-get install janus succeeded but /usr/bin/janus is still missing');
}

/** Every .so in a Janus library folder except the ones to keep: Janus's `disable` list wants file names. */
function allBut(folder: string, keep: string): string {
  const dir = join(LIB, folder);
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.so') && f !== keep)
    .join(',');
}

export interface JanusServer {
  child: ChildProcess;
  /** Base URL of the Janus HTTP API, e.g. http://127.0.0.1:8123/janus */
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts Janus with a generated config; resolves once its HTTP API answers `info`. ICE gathers on
 * `iceAddress` only (Janus skips loopback interfaces: see createNetns). For debugging, JANUS_DEBUG=5 raises
 * its log level and KEEP_JANUS_DIR=1 keeps the config dir with janus.log after the run.
 */
export async function startJanus(iceAddress: string, timeoutMs = 30_000): Promise<JanusServer> {
  ensureJanus();
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-janus-'));
  const [port] = await freePorts(1);
  const logFile = join(dir, 'janus.log');
  writeFileSync(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = ${process.env.JANUS_DEBUG ?? 3}
  session_timeout = 120
}
media: {
}
nat: {
  nice_debug = false
  ice_enforce_list = "${iceAddress}"
  ignore_mdns = true
}
plugins: {
  disable = "${allBut('plugins', 'libjanus_videoroom.so')}"
}
transports: {
  disable = "${allBut('transports', 'libjanus_http.so')}"
}
loggers: {
  disable = "${allBut('loggers', '')}"
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${port}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
`,
  );
  // No rooms from the config: the benchmark creates its room over the API.
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
  const child = spawn(
    JANUS,
    ['--config', join(dir, 'janus.jcfg'), '--configs-folder', dir, '--log-file', logFile, '--disable-stdout'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}/janus`;
  let exited = false;
  // Janus must not outlive the benchmark, whatever ends it (load-janus.ts exits on SIGTERM).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.KEEP_JANUS_DIR) rmSync(dir, { recursive: true, force: true });
  };
  const logTail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '(no log)');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const log = logTail();
      await stop();
      throw new Error(`janus exited at start: ${stderr}\n${log}`);
    }
    try {
      const r = await fetch(`${url}/info`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      const log = logTail();
      await stop();
      throw new Error(`janus did not answer on ${url} within ${timeoutMs} ms; its log ends:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, logFile, stop };
}

/**
 * A network namespace of the benchmark's own for Janus and its participants. Janus never gathers ICE
 * candidates on a loopback interface, so it gets a veth pair whose both ends stay inside the namespace:
 * traffic to its address is local to the namespace and nothing reaches the host's interfaces.
 */
export interface BenchNetns {
  name: string;
  /** The address Janus and the endpoints use for media, on the namespace's veth. */
  address: string;
  /** The command prefix that runs a program inside the namespace. */
  exec: string[];
  remove(): void;
}

export function createNetns(): BenchNetns {
  const name = `parley-janus-${process.pid}`;
  const address = '10.99.0.1';
  const ip = (...args: string[]) => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(
        `ip ${args.join(' ')} failed: ${r.stderr || r.error} (Janus runs in a network namespace: that needs ` +
          'root; without it use --servers parley)',
      );
  };
  const remove = () => {
    spawnSync('ip', ['netns', 'del', name]);
  };
  remove();
  ip('netns', 'add', name);
  try {
    ip('-n', name, 'link', 'add', 'jb0', 'type', 'veth', 'peer', 'name', 'jb1');
    ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', 'jb0');
    for (const dev of ['lo', 'jb0', 'jb1']) ip('-n', name, 'link', 'set', dev, 'up');
  } catch (e) {
    remove();
    throw e;
  }
  return { name, address, exec: ['ip', 'netns', 'exec', name], remove };
}
