// `parley start` keeps its stack up: kill -9 of Prosody (with a conference running) or of a bridge
// process, and the part is restarted, the focus and bridges reconnect, /health says "degraded"
// meanwhile; kill -9 of start itself leaves no orphan and the next start works. Each test prints
// the recovery time it measured (docs/reliability.md records them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect } from '@parley/xmpp-config';
import { TestParticipant, waitUntil } from './harness.js';
import { pickStartPorts, startCli, startFlags, type StartedCli } from './cli-process.js';

const DOMAIN = 'sup.parley.test';

interface Health {
  healthy: boolean;
  status: string;
  down: string[];
  xmpp: string;
  bridges: number;
}

const health = async (s: StartedCli): Promise<Health | undefined> =>
  fetch(s.info.focus.health).then(
    (r) => r.json() as Promise<Health>,
    () => undefined,
  );

function pidOf(dataDir: string, name: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'run', `${name}.pid`), 'utf8')) as { pid: number }).pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until check() gives a value; resolves with it and the ms it took. */
async function timed<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number) {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const target = (s: StartedCli, c2sPort: number) => ({
  domain: DOMAIN,
  mucDomain: `conference.${DOMAIN}`,
  focusJid: s.info.focus.jid,
  c2sPort,
});

/** Two scripted participants in `room`: the second is offered the first's audio. */
async function conference(s: StartedCli, c2sPort: number, room: string): Promise<TestParticipant[]> {
  const [a, b] = [
    await TestParticipant.connect(target(s, c2sPort), 'A'),
    await TestParticipant.connect(target(s, c2sPort), 'B'),
  ];
  await a.join(room);
  await a.accept();
  await b.join(room);
  await b.accept();
  await b.waitForRemoteSsrcs(`in ${room}, B is offered A's audio`, [a.own.audio[0].ssrc]);
  return [a, b];
}

/** A numeric field of the last log line of `event` (from `service`, naming `name`) on start's stderr. */
function logged(s: StartedCli, service: string, event: string, field: string, name?: string): number | undefined {
  const line = s.stderr
    .filter((l) => l.includes(`"service":"${service}"`) && l.includes(`"event":"${event}"`))
    .filter((l) => name === undefined || l.includes(`"name":"${name}"`))
    .at(-1);
  return line ? (JSON.parse(line)[field] as number) : undefined;
}

const unhandled = (s: StartedCli) => s.stderr.filter((l) => l.includes('process.unhandled_rejection'));

test('kill -9 of Prosody during a conference: restarted, focus and bridge reconnect, a new conference works', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-sup-'));
  const ports = await pickStartPorts();
  let s: StartedCli | undefined;
  const people: TestParticipant[] = [];
  try {
    s = await startCli(startFlags(dataDir, ports, DOMAIN));
    people.push(...(await conference(s, ports.xmpp, 'before')));
    const oldPid = pidOf(dataDir, 'prosody');
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const degraded = await timed(
      '/health to show Prosody down',
      async () => {
        const h = await health(s!);
        return h && h.status !== 'ok' ? h : undefined;
      },
      10_000,
    );
    assert.equal(degraded.value.healthy, false, 'without Prosody the focus cannot run a conference');
    const back = await timed(
      '/health ok again',
      async () => {
        const h = await health(s!);
        return h?.status === 'ok' && h.bridges >= 1 ? h : undefined;
      },
      60_000,
    );
    const healthyMs = Date.now() - killedAt;
    assert.equal(s.child.exitCode, null, 'parley start is still running');
    const newPid = pidOf(dataDir, 'prosody');
    assert.notEqual(newPid, oldPid, 'a new Prosody');
    assert.ok(alive(newPid));
    // A new conference, with new clients (the old ones' sessions died with Prosody).
    people.push(...(await conference(s, ports.xmpp, 'after')));
    const conferenceMs = Date.now() - killedAt;
    console.log(
      `prosody kill -9 -> /health ok: ${healthyMs} ms; -> a new conference offered media: ${conferenceMs} ms (${back.value.bridges} bridge)`,
    );
    console.log(
      `  of which: Prosody down ${logged(s, 'parley', 'supervisor.restarted', 'downMs', 'prosody')} ms (exit to ports open), focus offline ${logged(s, 'focus', 'xmpp.reconnected', 'offlineMs')} ms`,
    );
    assert.ok(s.stderr.some((l) => l.includes('"event":"supervisor.restarted"') && l.includes('"name":"prosody"')));
    assert.ok(s.stderr.some((l) => l.includes('"service":"focus"') && l.includes('"event":"xmpp.reconnected"')));
    assert.ok(s.stderr.some((l) => l.includes('"service":"bridge"') && l.includes('"event":"xmpp.reconnected"')));
    assert.deepEqual(unhandled(s), []);
    assert.equal(await s.stop(), 0);
    s = undefined;
  } finally {
    await Promise.allSettled(people.map((p) => p.disconnect()));
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 of a bridge process (--bridges 2): restarted, /health degraded meanwhile', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-sup-'));
  const ports = await pickStartPorts();
  let s: StartedCli | undefined;
  try {
    s = await startCli([...startFlags(dataDir, ports, DOMAIN), '--bridges', '2']);
    assert.equal((await health(s))?.status, 'ok');
    const oldPid = pidOf(dataDir, 'jvb-2');
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const degraded = await timed(
      '/health degraded',
      async () => {
        const h = await health(s!);
        return h?.status === 'degraded' ? h : undefined;
      },
      10_000,
    );
    assert.deepEqual(degraded.value.down, ['jvb-2']);
    assert.equal(degraded.value.healthy, true, 'the other bridge still serves');
    await timed(
      '/health ok with 2 bridges',
      async () => {
        const h = await health(s!);
        return h?.status === 'ok' && h.bridges === 2 ? h : undefined;
      },
      60_000,
    );
    const recoveredMs = Date.now() - killedAt;
    const newPid = pidOf(dataDir, 'jvb-2');
    assert.notEqual(newPid, oldPid);
    console.log(
      `bridge jvb-2 kill -9 -> degraded seen after ${degraded.ms} ms -> ok with 2 bridges: ${recoveredMs} ms`,
    );
    assert.ok(s.stderr.some((l) => l.includes('"event":"supervisor.restarted"') && l.includes('"name":"jvb-2"')));
    assert.deepEqual(unhandled(s), []);
    assert.equal(await s.stop(), 0);
    s = undefined;
    assert.ok(!alive(newPid), 'the bridge process stopped with start');
  } finally {
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 of parley start: no orphan keeps a port, and the next start of the data dir works', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-sup-'));
  const ports = await pickStartPorts();
  let s: StartedCli | undefined;
  try {
    s = await startCli([...startFlags(dataDir, ports, DOMAIN), '--bridges', '2']);
    const children = { prosody: pidOf(dataDir, 'prosody'), 'jvb-2': pidOf(dataDir, 'jvb-2') };
    const killedAt = Date.now();
    s.child.kill('SIGKILL');
    await waitUntil('every child of start to exit', () => !Object.values(children).some(alive), 15_000);
    const goneMs = Date.now() - killedAt;
    for (const port of [ports.xmpp, ports.component, ports.xmppHttp, ports.bridgeHttp + 1])
      assert.equal(await canConnect(port), false, `port ${port} is free`);
    console.log(`start kill -9 -> Prosody and jvb-2 gone: ${goneMs} ms`);
    s = await startCli([...startFlags(dataDir, ports, DOMAIN), '--bridges', '2']);
    assert.equal((await health(s))?.status, 'ok');
    assert.equal(await s.stop(), 0);
    s = undefined;
  } finally {
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
