import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readConfig } from '@parley/service';
import { startSpec } from '../start-config.js';
import {
  checkAdvertise,
  checkClock,
  checkMediaPort,
  checkPorts,
  checkProsody,
  checkWebSocket,
  judgeWebSocket,
  makeContext,
} from './checks.js';
import type { DoctorIO, HttpReply } from './io.js';

const config = (argv: string[] = []) =>
  readConfig(startSpec, { argv: ['--data-dir', '/d', '--advertise', '127.0.0.1', ...argv], env: {} });

function fakeIO(
  o: Partial<DoctorIO> & { routes?: Record<string, () => HttpReply> } = {},
): DoctorIO & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    tcpConnect: async () => undefined,
    request: async (url) => {
      const r = o.routes?.[url];
      if (!r) throw new Error('ECONNREFUSED');
      return r();
    },
    wsProbe: async () => ({ status: 101, headers: {}, text: '' }),
    peerFingerprint: async () => '',
    udpSend: async (host, port) => void sent.push(`${host}:${port}`),
    portTaken: async () => undefined,
    readFile: () => undefined,
    exists: () => true,
    pidAlive: () => true,
    interfaces: () => [
      { address: '127.0.0.1', family: 'IPv4', internal: true },
      { address: '192.168.1.20', family: 'IPv4', internal: false },
    ],
    hostname: () => 'box',
    now: () => new Date('2030-01-01T00:00:00Z'),
    env: () => undefined,
    sleep: async () => {},
    ...o,
  };
}

const health =
  (advertise: string[], udpPort = 10000) =>
  () => ({ status: 200, headers: {}, body: JSON.stringify({ healthy: true, udpPort, tcpPort: 4443, advertise }) });

test('prosody: a dead pid and closed ports fail with npm start and the log paths', async () => {
  const io = fakeIO({
    readFile: (p) => (p.endsWith('prosody.pid') ? '4242\n' : undefined),
    pidAlive: () => false,
    tcpConnect: async (_h, p) => (p === 5280 ? 'ECONNREFUSED' : undefined),
  });
  const r = await checkProsody(makeContext(config(), '/d', io));
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /pid 4242 .* is not running/);
  assert.match(r.summary, /HTTP 127\.0\.0\.1:5280 \(--xmpp-http-port\): ECONNREFUSED/);
  assert.match(r.fix!, /npm start/);
  assert.match(r.fix!, /\/d\/prosody\/prosody\.log/);
});

test('websocket: each answer gets its own fix', () => {
  const c = config(['--xmpp-http-port', '5299']);
  const url = 'wss://127.0.0.1:8443/xmpp-websocket';
  const bad = judgeWebSocket(c, url, {
    status: 502,
    headers: {},
    text: '502 Bad Gateway: the XMPP server did not answer',
  });
  assert.equal(bad.status, 'fail');
  assert.match(bad.summary, /wss:\/\/127\.0\.0\.1:8443\/xmpp-websocket: HTTP 502/);
  assert.match(bad.fix!, /127\.0\.0\.1:5299/);
  for (const status of [404, 426, 200]) {
    const r = judgeWebSocket(c, url, { status, headers: {}, text: '' });
    assert.equal(r.status, 'fail');
    assert.match(r.summary, new RegExp(`HTTP ${status}`));
    assert.ok(
      r.fix!.includes(
        'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";',
      ),
    );
  }
  const refused = judgeWebSocket(c, url, new Error('connect ECONNREFUSED 127.0.0.1:8443'));
  assert.match(refused.summary, /cannot connect/);
  const features =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>";
  assert.equal(
    judgeWebSocket(c, url, { status: 101, headers: { 'sec-websocket-protocol': 'xmpp' }, text: features }).status,
    'ok',
  );
  assert.equal(judgeWebSocket(c, url, { status: 101, headers: {}, text: features }).status, 'warn');
  assert.equal(
    judgeWebSocket(c, url, {
      status: 101,
      headers: { 'sec-websocket-protocol': 'xmpp' },
      text: features.replace('ANONYMOUS', 'PLAIN'),
    }).status,
    'fail',
  );
});

test('advertise: an address not on this machine fails with the PARLEY_ADVERTISE fix; loopback only warns', async () => {
  const c = config(['--advertise', '10.255.255.1']);
  const io = fakeIO({ routes: { 'http://127.0.0.1:8080/health': health(['10.255.255.1']) } });
  const r = await checkAdvertise(makeContext(c, '/d', io));
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /send media to 10\.255\.255\.1 .*not an address of this machine/);
  assert.match(r.fix!, /PARLEY_ADVERTISE \/ --advertise/);
  assert.match(r.fix!, /192\.168\.1\.20/);
  const lo = await checkAdvertise(
    makeContext(config(), '/d', fakeIO({ routes: { 'http://127.0.0.1:8080/health': health(['127.0.0.1']) } })),
  );
  assert.equal(lo.status, 'warn');
});

test('media: nothing is sent to a non-local address, and a counter that does not move fails with the firewall fix', async () => {
  const c = config(['--advertise', '10.255.255.1', '--media-port', '10000']);
  let n = 0;
  const io = fakeIO({
    routes: {
      'http://127.0.0.1:8080/health': health(['10.255.255.1', '192.168.1.20']),
      'http://127.0.0.1:8080/metrics': () => ({
        status: 200,
        headers: {},
        body: `parley_bridge_dropped_packets_total{reason="stun-unknown-ufrag"} ${n}\n`,
      }),
    },
  });
  io.udpSend = async (host, port) => {
    io.sent.push(`${host}:${port}`);
    n++;
  };
  const ok = await checkMediaPort(makeContext(c, '/d', io));
  assert.equal(ok.status, 'ok', ok.summary);
  assert.ok(io.sent.length > 0 && io.sent.every((s) => s === '192.168.1.20:10000'), io.sent.join());
  assert.match(ok.summary, /not sent to 10\.255\.255\.1/);

  const silent = fakeIO({
    routes: {
      'http://127.0.0.1:8080/health': health(['192.168.1.20']),
      'http://127.0.0.1:8080/metrics': () => ({ status: 200, headers: {}, body: '' }),
    },
  });
  const r = await checkMediaPort({
    ...makeContext(config(['--advertise', '192.168.1.20']), '/d', silent),
    timeoutMs: 50,
  });
  assert.equal(r.status, 'fail');
  assert.match(r.fix!, /ufw allow 10000\/udp/);
  assert.match(r.fix!, /firewall-cmd --add-port=10000\/udp --permanent/);
  assert.match(r.fix!, /4443/);
});

test('clock: no TZ and no /etc/localtime warns with timedatectl', async () => {
  const r = await checkClock(makeContext(config(), '/d', fakeIO({ exists: () => false })));
  assert.equal(r.status, 'warn');
  assert.match(r.summary, /2030-01-01T00:00:00\.000Z/);
  assert.match(r.fix!, /timedatectl set-timezone/);
  assert.equal(
    (await checkClock(makeContext(config(), '/d', fakeIO({ env: (n) => (n === 'TZ' ? 'Europe/Berlin' : undefined) }))))
      .status,
    'ok',
  );
});

test('ports: taken ports are named with the flag that moves them, only when the stack is down', async () => {
  const io = fakeIO({
    pidAlive: () => false,
    portTaken: async (_p, _h, port) => (port === 8443 ? 'EADDRINUSE' : undefined),
  });
  const r = await checkPorts(makeContext(config(), '/d', io), false);
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /8443 \(--https-port\) is taken/);
  assert.match(r.fix!, /--https-port <port>/);
  assert.equal((await checkPorts(makeContext(config(), '/d', io), true)).status, 'ok');
});

test('websocket: with --auth login the check logs in where guests do (guest.<domain>), not on the accounts domain', async () => {
  const opened: string[] = [];
  const io = fakeIO({
    wsProbe: async (o) => {
      opened.push(o.send);
      return {
        status: 101,
        headers: { 'sec-websocket-protocol': 'xmpp' },
        text: '<stream:features><mechanisms><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>',
      };
    },
  });
  const login = await checkWebSocket(makeContext(config(['--auth', 'login']), '/d', io));
  const open = await checkWebSocket(makeContext(config(), '/d', io));
  assert.equal(login.status, 'ok');
  assert.equal(open.status, 'ok');
  assert.match(opened[0], /to="guest\.meet\.parley\.local"/);
  assert.match(opened[1], /to="meet\.parley\.local"/);
});
