// The web server in front of a real Prosody: RFC 7395 WebSocket and BOSH through the same
// origin, /health, and what the browser sees when Prosody goes away.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestProsody, type TestProsody } from '@parley/xmpp-config';
import { ensureCertificates } from './certificates.js';
import { RawWebSocket, fetchText, makeStaticDir } from './fixtures/client.js';
import { startWebServer, type RunningWebServer } from './web-server.js';

let prosody: TestProsody;
let web: RunningWebServer;
let ca: string;
let domain: string;
const dirs: string[] = [];

before(async () => {
  prosody = await makeTestProsody();
  domain = prosody.domains.domain;
  const certDir = mkdtempSync(join(tmpdir(), 'parley-web-certs-'));
  const staticDir = makeStaticDir();
  dirs.push(certDir, staticDir);
  const certs = await ensureCertificates(certDir, { hostnames: ['meet.test'], addresses: [] });
  ca = certs.caCertPem;
  web = await startWebServer({
    host: '127.0.0.1',
    httpsPort: 0,
    xmppHttp: { host: '127.0.0.1', port: prosody.settings.ports.http },
    domain,
    tls: { cert: certs.certPem, key: certs.keyPem },
    staticDir,
  });
});
after(async () => {
  await web?.close();
  await prosody?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const openFrame = () => `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${domain}" version="1.0"/>`;

describe('web server in front of Prosody', () => {
  it('proxies /xmpp-websocket: 101 with protocol xmpp, then <open> and features offering ANONYMOUS', async () => {
    const ws = await RawWebSocket.connect({
      host: '127.0.0.1',
      port: web.httpsPort,
      path: '/xmpp-websocket',
      ca,
      protocol: 'xmpp',
    });
    try {
      assert.equal(ws.response.status, 101, ws.response.raw);
      assert.equal(ws.response.headers['sec-websocket-protocol'], 'xmpp');
      ws.sendText(openFrame());
      const text = await ws.readTextUntil((t) => /<\/(stream:)?features>/.test(t), 5000);
      assert.match(text, /<open /);
      assert.match(text, /urn:ietf:params:xml:ns:xmpp-framing/);
      assert.match(text, /<mechanism>ANONYMOUS<\/mechanism>/);
    } finally {
      ws.close();
    }
  });

  it('proxies BOSH: a session-creation body gets a <body> with a sid', async () => {
    const body = `<body content="text/xml; charset=utf-8" hold="1" rid="${1000 + Math.floor(Math.random() * 1e6)}" to="${domain}" wait="5" ver="1.6" xml:lang="en" xmpp:version="1.0" xmlns="http://jabber.org/protocol/httpbind" xmlns:xmpp="urn:xmpp:xbosh"/>`;
    const r = await fetchText(web.url + '/http-bind', {
      ca,
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      timeoutMs: 10000,
    });
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<body[^>]*\ssid=["'][^"']+["']/);
    const opts = await fetchText(web.url + '/http-bind', {
      ca,
      method: 'OPTIONS',
      headers: { Origin: web.url, 'Access-Control-Request-Method': 'POST' },
    });
    assert.ok(opts.status < 500, `OPTIONS answered ${opts.status}`);
  });

  it('reports healthy while Prosody answers', async () => {
    const h = await fetchText(web.url + '/health', { ca });
    assert.equal(h.status, 200, h.body);
    assert.equal(JSON.parse(h.body).healthy, true);
  });

  it('answers 502 naming Prosody once it is down, and keeps serving pages', async () => {
    await prosody.stop();
    const ws = await RawWebSocket.connect({
      host: '127.0.0.1',
      port: web.httpsPort,
      path: '/xmpp-websocket',
      ca,
      protocol: 'xmpp',
    });
    assert.equal(ws.response.status, 502);
    const text = ws.response.raw + (await ws.rest());
    assert.match(text, new RegExp(`Prosody at http://127\\.0\\.0\\.1:${prosody.settings.ports.http}`));
    ws.close();
    const bosh = await fetchText(web.url + '/http-bind', { ca, method: 'POST', body: '<body/>' });
    assert.equal(bosh.status, 502);
    assert.match(bosh.body, /Prosody at http:\/\/127\.0\.0\.1/);
    assert.equal((await fetchText(web.url + '/team', { ca })).status, 200);
    assert.equal((await fetchText(web.url + '/config.js', { ca })).status, 200);
    assert.equal((await fetchText(web.url + '/health', { ca })).status, 503);
  });
});
