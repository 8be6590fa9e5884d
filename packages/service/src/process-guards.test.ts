// Real processes: a rejected promise nobody awaits is logged and the process keeps serving; a child
// watching its parent exits soon after the parent is killed with SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const guards = fileURLToPath(new URL('./process-guards.ts', import.meta.url));
const logger = fileURLToPath(new URL('./logger.ts', import.meta.url));

function runModule(code: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; !cond(); ) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an unhandled rejection is logged as process.unhandled_rejection and the process keeps running', async () => {
  const p = runModule(`
    import { handleUnhandledRejections } from ${JSON.stringify(guards)};
    import { createLogger } from ${JSON.stringify(logger)};
    handleUnhandledRejections(createLogger('t', { write: (l) => console.log(l) }));
    Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5347'));
    setTimeout(() => { console.log('still serving'); process.exit(0); }, 300);
  `);
  assert.equal(await p.exited, 0, p.output());
  const line = p
    .output()
    .split('\n')
    .find((l) => l.includes('process.unhandled_rejection'));
  assert.ok(line, p.output());
  assert.equal(JSON.parse(line).error, 'connect ECONNREFUSED 127.0.0.1:5347');
  assert.match(p.output(), /still serving/);
});

test('without the handler the same rejection ends the process (what the handler prevents)', async () => {
  const p = runModule(`
    Promise.reject(new Error('boom'));
    setTimeout(() => { console.log('still serving'); process.exit(0); }, 300);
  `);
  assert.notEqual(await p.exited, 0);
  assert.doesNotMatch(p.output(), /still serving/);
});

test('watchParent: a grandchild exits soon after its parent is killed with SIGKILL', async () => {
  // The parent starts a watching child, prints its pid and waits to be killed.
  const parent = runModule(`
    import { spawn } from 'node:child_process';
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', \`
      import { watchParent } from ${JSON.stringify(guards)};
      watchParent(${'$'}{process.pid}, () => process.exit(7), 100);
      console.log('watching');
      setInterval(() => {}, 1000);
    \`], { stdio: ['ignore', 'inherit', 'inherit'] });
    console.log('child ' + child.pid);
    setInterval(() => {}, 1000);
  `);
  let childPid = 0;
  try {
    await until(() => /child \d+/.test(parent.output()), 60_000, 'the child pid');
    childPid = Number(/child (\d+)/.exec(parent.output())![1]);
    await watchedChildExits(childPid);
  } finally {
    // On a failure nothing may be left running: the runner would wait for these pipes forever.
    parent.child.kill('SIGKILL');
    if (childPid && isAlive(childPid)) process.kill(childPid, 'SIGKILL');
  }
  async function watchedChildExits(childPid: number): Promise<void> {
    const alive = () => isAlive(childPid);
    await until(() => /watching/.test(parent.output()), 60_000, 'the child to start watching');
    assert.ok(alive(), 'the child runs while its parent does');
    parent.child.kill('SIGKILL');
    await parent.exited;
    const killedAt = Date.now();
    await until(() => !alive(), 15_000, `child ${childPid} to exit after its parent died`);
    console.log(`child exited ${Date.now() - killedAt} ms after its parent was killed`);
  }
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
