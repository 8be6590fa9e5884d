// The focus as a process of its own (`node packages/focus/dist/main.js`, as a compose stack runs it),
// for tests that kill it with -9 and start it again next to a test stack's Prosody and bridge.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil, type Stack } from './harness.js';

const focusMain = fileURLToPath(new URL('../../packages/focus/dist/main.js', import.meta.url));

/** The focus alone, as `node packages/focus/dist/main.js` (a compose stack runs it so). */
export class FocusProcess {
  readonly output: string[] = [];
  private readonly child: ChildProcess;

  constructor(
    stack: Stack,
    private readonly bridge: 'colibri2' | 'fake',
  ) {
    const p = stack.prosody.settings;
    const args = ['--domain', stack.domain, '--xmpp-component-url', `xmpp://127.0.0.1:${p.ports.component}`];
    args.push('--bridge', bridge, '--bridge-user', p.bridgeAccount.username, '--http-port', '0');
    this.child = spawn(process.execPath, [focusMain, ...args], {
      env: {
        ...process.env,
        PARLEY_FOCUS_SECRET: p.focus.secret,
        PARLEY_LOG_LEVEL: 'debug',
        PARLEY_PARENT_PID: String(process.pid),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const out of [this.child.stdout!, this.child.stderr!])
      out.on('data', (d) => this.output.push(...String(d).split('\n').filter(Boolean)));
  }

  logged(event: string): boolean {
    return this.output.some((l) => l.includes(`"event":"${event}"`));
  }

  /** Resolves once it can run a conference (it sees a bridge, or runs the in-memory one). */
  async ready(): Promise<void> {
    const event = this.bridge === 'fake' ? 'focus.ready' : 'bridge.joined';
    await waitUntil(`the focus process logs ${event}`, () => this.logged(event), 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; its output:\n${this.output.slice(-20).join('\n')}`);
    });
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode) return Promise.resolve();
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    return gone;
  }
}
