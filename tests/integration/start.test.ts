// `npm start`'s program, run as a user would: ready line, a working conference, clean stop, and
// the same secrets on the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { TestParticipant, withTimeout } from './harness.js';
import { cliPath, pickStartPorts, startCli, startFlags, type StartedCli, type StartPorts } from './cli-process.js';

type Started = StartedCli;

const publicUrl = (ports: StartPorts) => `https://meet.start.parley.test:${ports.https}/`;
const start = (dataDir: string, ports: StartPorts) =>
  startCli([...startFlags(dataDir, ports, 'start.parley.test'), '--public-url', publicUrl(ports)]);

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

const stop = (s: Started) => s.stop();

test('start prints one JSON ready line, runs conferences, stops everything on SIGTERM, and reuses its secrets', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const ports = await pickStartPorts();
  let s: Started | undefined;
  try {
    s = await start(dataDir, ports);
    assert.equal(s.info.ready, true);
    assert.equal(s.info.domain, 'start.parley.test');
    assert.deepEqual(s.info.xmpp, { host: '127.0.0.1', port: ports.xmpp });
    assert.equal(s.info.websocket, `ws://127.0.0.1:${ports.xmppHttp}/xmpp-websocket`);
    const secrets = readFileSync(join(dataDir, 'secrets.json'), 'utf8');

    const target = {
      domain: 'start.parley.test',
      mucDomain: 'conference.start.parley.test',
      focusJid: s.info.focus.jid,
      c2sPort: ports.xmpp,
    };
    const [a, b] = [await TestParticipant.connect(target, 'A'), await TestParticipant.connect(target, 'B')];
    await a.join('launch');
    await a.accept();
    await b.join('launch');
    const offer = await b.sessionInitiate();
    await b.accept();
    await b.waitForRemoteSsrcs("B is offered A's audio", [a.own.audio[0].ssrc]);
    assert.deepEqual(s.info.bridge.advertise, ['127.0.0.1']);
    assert.ok(
      offer.contents[0].transport!.candidates.some(
        (c) => c.ip === '127.0.0.1' && c.port === ports.media && c.protocol === 'udp',
      ),
      'the offer points at the bridge started by start',
    );
    assert.equal((await fetch(s.info.bridge.health)).status, 200);
    // The web app answers over HTTPS with a certificate from the local CA that start made.
    assert.deepEqual(
      s.info.urls,
      [publicUrl(ports), `https://127.0.0.1:${ports.https}/`],
      'the public URL heads the invite links',
    );
    const cert = new X509Certificate(readFileSync(join(dataDir, 'certs', 'cert.pem')));
    assert.match(cert.subjectAltName ?? '', /DNS:meet\.start\.parley\.test/, 'the certificate covers the public name');
    const configJs = await httpsGet(`https://127.0.0.1:${ports.https}/config.js`, readFileSync(s.info.ca, 'utf8'));
    assert.equal(configJs.status, 200);
    assert.match(configJs.body, /"domain": "start\.parley\.test"/);
    assert.match(configJs.body, /"focusJid": "focus\.start\.parley\.test"/);
    assert.equal((await fetch(s.info.focus.health)).status, 200);
    // The operators' HTTP API answers with the admin token generated into secrets.json, and only with it.
    const auth = { authorization: `Bearer ${JSON.parse(secrets).adminToken}` };
    assert.equal((await fetch(`${s.info.focus.api}rooms`)).status, 401);
    const listed = (await (await fetch(`${s.info.focus.api}rooms/launch`, { headers: auth })).json()) as {
      participants: { id: string }[];
    };
    assert.deepEqual(listed.participants.map((p) => p.id).sort(), [a.endpointId, b.endpointId].sort());
    const invite = await fetch(`${s.info.focus.api}invites`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'launch' }),
    });
    assert.equal(invite.status, 201);
    assert.equal(
      ((await invite.json()) as { url: string }).url,
      `${s.info.urls[0]}launch`,
      'the invite is the room URL',
    );
    await Promise.all([a.disconnect(), b.disconnect()]);

    const prosodyPid = Number(readFileSync(join(dataDir, 'prosody', 'prosody.pid'), 'utf8'));
    assert.equal(await stop(s), 0);
    s = undefined;
    assert.throws(() => process.kill(prosodyPid, 0), /ESRCH/, 'Prosody was stopped with the stack');

    s = await start(dataDir, ports);
    assert.equal(readFileSync(join(dataDir, 'secrets.json'), 'utf8'), secrets, 'the second start reuses the secrets');
    assert.equal(await stop(s), 0);
    s = undefined;

    // An upgrade: the data dir as the first releases left it (no layout.json, secrets.json with the
    // three keys they knew). The new release migrates it and keeps the secrets and the local CA.
    const ca = readFileSync(join(dataDir, 'certs', 'ca.pem'), 'utf8');
    const { focusComponentSecret, focusAccountPassword, bridgeAccountPassword } = JSON.parse(secrets);
    const firstRelease = { focusComponentSecret, focusAccountPassword, bridgeAccountPassword };
    writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify(firstRelease), { mode: 0o600 });
    rmSync(join(dataDir, 'layout.json'));
    s = await start(dataDir, ports);
    const upgraded = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
    assert.deepEqual({ ...upgraded, ...firstRelease }, upgraded, 'the secrets of the first release are kept');
    assert.ok(upgraded.adminToken && upgraded.webhookSecret, 'the keys added since are generated');
    assert.equal(readFileSync(join(dataDir, 'certs', 'ca.pem'), 'utf8'), ca, 'the local CA browsers trust is kept');
    assert.equal(JSON.parse(readFileSync(join(dataDir, 'layout.json'), 'utf8')).layout, 1);
    assert.equal((await fetch(s.info.focus.health)).status, 200, 'the focus logged in with the kept secrets');
    assert.equal(await stop(s), 0);
    s = undefined;
  } finally {
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('start refuses a bad setting and names it', async () => {
  const child = spawn(process.execPath, [cliPath, 'start', '--xmpp-port', '70000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await withTimeout(
    new Promise<number | null>((r) => child.once('exit', r)),
    10_000,
    'start with a bad flag',
  );
  assert.equal(code, 1);
  assert.match(err, /--xmpp-port: "70000" is not a port/);
});

test('start --bridges 2 runs a second bridge process that the focus balances onto', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-start-'));
  const ports = await pickStartPorts();
  let s: Started | undefined;
  try {
    s = await startCli([...startFlags(dataDir, ports, 'start.parley.test'), '--bridges', '2']);
    assert.equal(s.info.bridges.length, 2);
    const health = (await (await fetch(s.info.focus.health)).json()) as { bridges: number };
    assert.equal(health.bridges, 2, 'the focus sees both bridges');
    assert.equal(
      (await fetch(`http://127.0.0.1:${ports.bridgeHttp + 1}/health`)).status,
      200,
      'the second bridge answers on the next port',
    );
    assert.equal(await s.stop(), 0);
    s = undefined;
  } finally {
    if (s) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
