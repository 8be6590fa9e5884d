// `npm start`'s program, run as a user would: ready line, a working conference, clean stop, and
// the same secrets on the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@parley/xmpp-config';
import { TestParticipant, withTimeout } from './harness.js';

const cli = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

interface Started { child: ChildProcess; info: Record<string, any>; stderr: string[] }

async function start(dataDir: string, ports: number[]): Promise<Started> {
  const [xmpp, http, component, focusHttp, media, tcp, bridgeHttp, httpsPort, redirectPort] = ports;
  const child = spawn(process.execPath, [cli, 'start', '--json', '--data-dir', dataDir, '--domain', 'start.parley.test',
    '--xmpp-port', String(xmpp), '--xmpp-http-port', String(http), '--component-port', String(component), '--focus-http-port', String(focusHttp),
    '--media-port', String(media), '--tcp-port', String(tcp), '--bridge-http-port', String(bridgeHttp), '--advertise', '127.0.0.1',
    '--https-port', String(httpsPort), '--http-port', String(redirectPort), '--web-bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`parley start exited with ${code}:\n${stderr.join('\n')}`)));
  });
  const info = JSON.parse(await withTimeout(firstLine, 20_000, 'parley start ready line'));
  return { child, info, stderr };
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

async function stop(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  return withTimeout(exited, 10_000, 'parley start to stop');
}

test('start prints one JSON ready line, runs conferences, stops everything on SIGTERM, and reuses its secrets', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const ports = await freePorts(9);
  let s: Started | undefined;
  try {
    s = await start(dataDir, ports);
    assert.equal(s.info.ready, true);
    assert.equal(s.info.domain, 'start.parley.test');
    assert.deepEqual(s.info.xmpp, { host: '127.0.0.1', port: ports[0] });
    assert.equal(s.info.websocket, `ws://127.0.0.1:${ports[1]}/xmpp-websocket`);
    const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');

    const target = { domain: 'start.parley.test', mucDomain: 'conference.start.parley.test', focusJid: s.info.focus.jid, c2sPort: ports[0] };
    const [a, b] = [await TestParticipant.connect(target, 'A'), await TestParticipant.connect(target, 'B')];
    await a.join('launch');
    await a.accept();
    await b.join('launch');
    const offer = await b.sessionInitiate();
    assert.ok(offer.contents.some((c) => c.description?.sources.some((x) => x.ssrc === a.own.audio[0].ssrc)), 'B is offered A\'s audio');
    assert.deepEqual(s.info.bridge.advertise, ['127.0.0.1']);
    assert.ok(offer.contents[0].transport!.candidates.some((c) => c.ip === '127.0.0.1' && c.port === ports[4] && c.protocol === 'udp'), 'the offer points at the bridge started by start');
    assert.equal((await fetch(s.info.bridge.health)).status, 200);
    // The web app answers over HTTPS with a certificate from the local CA that start made.
    assert.deepEqual(s.info.urls, [`https://127.0.0.1:${ports[7]}/`]);
    const configJs = await httpsGet(`${s.info.page}config.js`, readFileSync(s.info.ca, 'utf8'));
    assert.equal(configJs.status, 200);
    assert.match(configJs.body, /"domain": "start\.parley\.test"/);
    assert.match(configJs.body, /"focusJid": "focus\.start\.parley\.test"/);
    assert.equal((await fetch(s.info.focus.health)).status, 200);
    await Promise.all([a.disconnect(), b.disconnect()]);

    const prosodyPid = Number(readFileSync(join(dataDir, 'prosody', 'prosody.pid'), 'utf8'));
    assert.equal(await stop(s), 0);
    s = undefined;
    assert.throws(() => process.kill(prosodyPid, 0), /ESRCH/, 'Prosody was stopped with the stack');

    s = await start(dataDir, ports);
    assert.equal(readFileSync(join(dataDir, 'secrets.json'), 'utf8'), secrets, 'the second start reuses the secrets');
    assert.equal(await stop(s), 0);
    s = undefined;
  } finally {
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('start refuses a bad setting and names it', async () => {
  const child = spawn(process.execPath, [cli, 'start', '--xmpp-port', '70000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await withTimeout(new Promise<number | null>((r) => child.once('exit', r)), 10_000, 'start with a bad flag');
  assert.equal(code, 1);
  assert.match(err, /--xmpp-port: "70000" is not a port/);
});
