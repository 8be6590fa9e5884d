// Real Prosody on loopback. Needs the prosody binary: fails (never skips) when it is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { PROSODY_INSTALL_HINT, startProsody, which } from './launcher.js';
import { freePort, freePorts, generateSecret, makeTestProsody, type TestProsody } from './testing.js';
import { validateProsodySettings } from './settings.js';

if (!which('prosody')) throw new Error(PROSODY_INSTALL_HINT);

const WAIT_MS = 5000;

/** A raw TCP conversation: send text, wait (bounded) until the received text matches. */
class Raw {
  private buf = '';
  private waiters: (() => void)[] = [];
  private closed = false;
  private constructor(private sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.waiters.splice(0).forEach((w) => w());
    });
    sock.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    sock.on('error', () => {});
  }
  static open(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port });
      const t = setTimeout(() => (s.destroy(), reject(new Error(`connect ${port} timed out`))), WAIT_MS);
      s.once('connect', () => (clearTimeout(t), resolve(new Raw(s))));
      s.once('error', (e) => (clearTimeout(t), reject(e)));
    });
  }
  send(text: string): this {
    this.sock.write(text);
    return this;
  }
  /** Resolves with the match; consumes the received text up to its end. */
  async expect(re: RegExp, what = String(re)): Promise<RegExpMatchArray> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = this.buf.match(re);
      if (m) {
        this.buf = this.buf.slice(m.index! + m[0].length);
        return m;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${what}; got: ${this.buf}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got: ${this.buf}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
  close(): void {
    this.sock.destroy();
  }
}

const clientHeader = (to: string) =>
  `<?xml version='1.0'?><stream:stream to='${to}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
const mechanisms = (features: string) => [...features.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]);

async function saslPlain(port: number, host: string, user: string, password: string): Promise<string> {
  const c = await Raw.open(port);
  try {
    c.send(clientHeader(host));
    const [features] = await c.expect(/<stream:features[\s\S]*?<\/stream:features>/, 'stream features');
    assert.ok(mechanisms(features).includes('PLAIN'), `PLAIN offered on ${host}: ${features}`);
    const b64 = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
    c.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${b64}</auth>`);
    const [reply] = await c.expect(
      /<success[^>]*\/>|<success[\s\S]*?<\/success>|<failure[\s\S]*?<\/failure>/,
      'SASL result',
    );
    return reply;
  } finally {
    c.close();
  }
}

let p: TestProsody;
const lines: string[] = [];
const extra = { user: 'tester', host: 'auth.parley.test', password: 'pässwörd-ü' }; // non-ASCII: goes through prosodyctl

before(async () => {
  p = await makeTestProsody({ log: (l) => lines.push(l), accounts: [extra] });
  console.log(`prosody ready in ${p.startupMs} ms (pid ${p.pid}, ports ${JSON.stringify(p.settings.ports)})`);
});
after(async () => {
  await p?.stop();
});

test('freePort / freePorts / generateSecret', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  const ports = await freePorts(5);
  assert.equal(new Set(ports).size, 5);
  assert.match(generateSecret(), /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(generateSecret(), generateSecret());
  assert.equal(generateSecret(9).length, 12);
});

test('writes the config and log inside dataDir and logs through the callback', () => {
  assert.ok(p.configPath.startsWith(p.dataDir));
  assert.ok(existsSync(p.configPath));
  assert.ok(existsSync(`${p.dataDir}/certs`));
  assert.ok(
    lines.some((l) => l.includes('Hello and welcome to Prosody')),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => /\berror\b/i.test(l)), `no errors logged:\n${lines.join('\n')}`);
});

test('c2s: stream header reply and ANONYMOUS on the main domain', async () => {
  const c = await Raw.open(p.settings.ports.c2s);
  try {
    c.send(clientHeader(p.domains.domain));
    await c.expect(/<stream:stream[^>]*from=['"]parley\.test['"][^>]*>/, 'stream header');
    const [features] = await c.expect(/<stream:features[\s\S]*?<\/stream:features>/, 'stream features');
    assert.deepEqual(mechanisms(features), ['ANONYMOUS']);
    c.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>`);
    await c.expect(/<success/, 'anonymous success');
  } finally {
    c.close();
  }
});

test('c2s: the bridge and focus accounts log in with SASL PLAIN on auth.<domain>', async () => {
  const { auth } = p.domains;
  assert.match(await saslPlain(p.settings.ports.c2s, auth, 'jvb', p.settings.bridgeAccount.password), /<success/);
  assert.match(await saslPlain(p.settings.ports.c2s, auth, 'focus', p.settings.focusAccount.password), /<success/);
  assert.match(await saslPlain(p.settings.ports.c2s, auth, extra.user, extra.password), /<success/);
  assert.match(await saslPlain(p.settings.ports.c2s, auth, 'jvb', 'wrong'), /<failure[\s\S]*not-authorized/);
});

async function componentHandshake(secret: string): Promise<string> {
  const c = await Raw.open(p.settings.ports.component);
  try {
    c.send(
      `<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='${p.domains.focus}'>`,
    );
    const [, id] = await c.expect(/<stream:stream[^>]*\sid=['"]([^'"]+)['"][^>]*>/, 'component stream header');
    c.send(
      `<handshake>${createHash('sha1')
        .update(id + secret)
        .digest('hex')}</handshake>`,
    );
    const [reply] = await c.expect(
      /<handshake\s*\/>|<handshake><\/handshake>|<stream:error[\s\S]*?<\/stream:error>/,
      'handshake reply',
    );
    return reply;
  } finally {
    c.close();
  }
}

test('component: XEP-0114 handshake accepts the secret and rejects a wrong one', async () => {
  assert.match(await componentHandshake(p.settings.focus.secret), /<handshake/);
  assert.match(await componentHandshake('wrong-secret'), /not-authorized/);
});

test('http: /xmpp-websocket answers GET and upgrades with Sec-WebSocket-Protocol: xmpp', async () => {
  const base = `http://127.0.0.1:${p.settings.ports.http}`;
  const get = await fetch(`${base}/xmpp-websocket`, { signal: AbortSignal.timeout(WAIT_MS) });
  assert.equal(get.status, 200, await get.text());
  const c = await Raw.open(p.settings.ports.http);
  try {
    c.send(
      'GET /xmpp-websocket HTTP/1.1\r\nHost: meet.example:443\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        'Sec-WebSocket-Protocol: xmpp\r\nOrigin: https://meet.example\r\n\r\n',
    );
    const [head] = await c.expect(/^HTTP\/1\.1 [\s\S]*?\r\n\r\n/, 'upgrade response');
    assert.match(head, /^HTTP\/1\.1 101/);
    assert.match(head, /Sec-WebSocket-Protocol: xmpp/i);
  } finally {
    c.close();
  }
});

test('http: /http-bind (BOSH) answers', async () => {
  const res = await fetch(`http://127.0.0.1:${p.settings.ports.http}/http-bind`, {
    signal: AbortSignal.timeout(WAIT_MS),
  });
  assert.equal(res.status, 200);
  const body = `<body xmlns='http://jabber.org/protocol/httpbind' to='${p.domains.domain}' rid='1000' wait='5' hold='1' ver='1.6' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>`;
  const post = await fetch(`http://127.0.0.1:${p.settings.ports.http}/http-bind`, {
    method: 'POST',
    body,
    signal: AbortSignal.timeout(WAIT_MS),
  });
  assert.equal(post.status, 200);
  assert.match(await post.text(), /ANONYMOUS/);
});

test('startProsody refuses a port that is already taken, and explains a missing binary', async () => {
  const settings = validateProsodySettings({
    ...p.settings,
    dataDir: `${p.dataDir}/second`,
    ports: { ...p.settings.ports },
  });
  await assert.rejects(startProsody({ settings }), /already in use/);
  await assert.rejects(
    startProsody({ settings, prosodyBinary: '/nonexistent/prosody' }),
    (e: Error) => e.message === PROSODY_INSTALL_HINT,
  );
});

test('a Prosody that dies or hangs gives an error with its last log lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fake-prosody-'));
  try {
    const [c2s, http, component] = await freePorts(3);
    const settings = validateProsodySettings({
      ...p.settings,
      dataDir: join(dir, 'data'),
      ports: { c2s, http, component },
    });
    const dies = join(dir, 'dies');
    writeFileSync(dies, '#!/bin/sh\necho "fake prosody: boom"\nexit 3\n');
    chmodSync(dies, 0o755);
    await assert.rejects(
      startProsody({ settings, prosodyBinary: dies }),
      /exited with code 3[\s\S]*fake prosody: boom/,
    );
    const hangs = join(dir, 'hangs');
    writeFileSync(hangs, '#!/bin/sh\necho "fake prosody: hanging"\nexec sleep 30\n');
    chmodSync(hangs, 0o755);
    const t0 = Date.now();
    await assert.rejects(
      startProsody({ settings, prosodyBinary: hangs, readyTimeoutMs: 300 }),
      /did not open ports[\s\S]*fake prosody: hanging/,
    );
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stop() ends the process, is idempotent and removes the temp dir', async () => {
  await p.stop();
  assert.throws(() => process.kill(p.pid, 0), /ESRCH/);
  await p.stop();
  assert.notEqual(await p.exited, undefined);
  assert.ok(!existsSync(p.dataDir));
});
