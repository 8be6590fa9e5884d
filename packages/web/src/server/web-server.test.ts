// The web server without Prosody: pages, routing, headers, the HTTP redirect, and what happens
// when the XMPP upstream is down (a free port nobody listens on).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@parley/xmpp-config';
import { ensureCertificates } from './certificates.js';
import { RawWebSocket, fetchText, foreignUrls, makeStaticDir } from './fixtures/client.js';
import { startWebServer, type RunningWebServer } from './web-server.js';

let web: RunningWebServer;
let ca: string;
let deadPort: number;
const dirs: string[] = [];

before(async () => {
  const certDir = mkdtempSync(join(tmpdir(), 'parley-web-certs-'));
  const staticDir = makeStaticDir();
  // A map left by a dev build (build-client.mjs --dev): it must still never be served.
  writeFileSync(join(staticDir, 'app.js.map'), '{"version":3,"sources":["main.tsx"]}\n');
  dirs.push(certDir, staticDir);
  const certs = await ensureCertificates(certDir, { hostnames: ['meet.test'], addresses: [] });
  ca = certs.caCertPem;
  deadPort = await freePort();
  web = await startWebServer({
    host: '127.0.0.1',
    httpsPort: 0,
    httpPort: 0,
    xmppHttp: { host: '127.0.0.1', port: deadPort },
    domain: 'meet.test',
    tls: { cert: certs.certPem, key: certs.keyPem },
    config: { websocketUrl: 'wss://127.0.0.1:9/xmpp-websocket' },
    caCertPem: certs.caCertPem,
    staticDir,
    metricsHttp: { host: '127.0.0.1', port: 0 },
  });
});
after(async () => {
  await web?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const get = (path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  fetchText(web.url + path, { ca, ...o });
/** The operators' port (loopback): /health and /metrics. */
const metrics = () => fetchText(`http://127.0.0.1:${web.metricsPort}/metrics`);

describe('web server', () => {
  it('listens on HTTPS and plain HTTP and reports its URL', () => {
    assert.match(web.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(web.url, `https://127.0.0.1:${web.httpsPort}`);
    assert.ok(web.httpPort && web.httpPort !== web.httpsPort);
  });

  it('serves /config.js with window.PARLEY_CONFIG and no caching', async () => {
    const r = await get('/config.js');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.match(String(r.headers['cache-control']), /no-cache/);
    const window: { PARLEY_CONFIG?: Record<string, unknown> } = {};
    runInNewContext(r.body, { window });
    assert.deepEqual(JSON.parse(JSON.stringify(window.PARLEY_CONFIG)), {
      domain: 'meet.test',
      mucDomain: 'conference.meet.test',
      focusJid: 'focus.meet.test',
      websocketUrl: 'wss://127.0.0.1:9/xmpp-websocket',
      boshUrl: '/http-bind',
      doctorUrl: '/doctor',
      language: null,
      turn: false,
    });
  });

  it('answers 404 on /turn-credentials when TURN is off', async () => {
    assert.equal((await get('/turn-credentials')).status, 404);
  });

  it('never serves source maps or metrics on the public port', async () => {
    for (const path of ['/app.js.map', '/APP.JS.MAP', '/metrics']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, /sources|parley_web_/, path);
    }
  });

  it('serves index.html for / and for valid room names', async () => {
    for (const path of ['/', '/team-meeting', '/a', '/room_1', '/' + 'x'.repeat(64)]) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      assert.match(r.body, /<div id="app">/, path);
      assert.match(String(r.headers['content-type']), /text\/html/, path);
      assert.match(String(r.headers['cache-control']), /no-cache/, path);
    }
  });

  it('redirects other casing (and a trailing slash) to the lowercase room, keeping the query', async () => {
    let r = await get('/Team-Meeting?lang=en');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/team-meeting?lang=en');
    r = await get('/team/');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/team');
  });

  it('serves the connection check page at /doctor (and /doctor/ redirects there)', async () => {
    let r = await get('/doctor');
    assert.equal(r.status, 200);
    assert.match(r.body, /<div id="app">/);
    r = await get('/doctor/');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/doctor');
  });

  it('answers 404 with an HTML page for invalid rooms and unknown paths', async () => {
    for (const path of ['/bad.room', '/a/b', '/' + 'x'.repeat(65), '/%3Cscript%3E', '/sp%20ace', '/nope.js']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.match(r.body, /Not found/, path);
      assert.doesNotMatch(r.body, /<script/i, path);
    }
  });

  it('serves static files with validators', async () => {
    const js = await get('/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.ok(js.headers.etag);
    assert.match(String(js.headers['cache-control']), /no-cache/);
    const css = await get('/app.css');
    assert.equal(css.status, 200);
    assert.match(String(css.headers['content-type']), /text\/css/);
    const icon = await get('/favicon.svg');
    assert.equal(icon.status, 200);
    assert.match(String(icon.headers['cache-control']), /max-age/);
  });

  it('sends a strict Content-Security-Policy and other security headers everywhere', async () => {
    for (const path of ['/', '/room', '/config.js', '/app.js', '/missing/page', '/health']) {
      const r = await get(path);
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /connect-src 'self' wss:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:9;/, path);
      assert.match(csp, /media-src 'self' blob:/, path);
      assert.match(csp, /img-src 'self' data: blob:/, path);
      assert.doesNotMatch(csp, /https?:/, path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(r.headers['x-powered-by'], undefined, path);
    }
  });

  it('names no origin but its own in index.html, config.js and the 404 page', async () => {
    const origin = new URL(web.url).origin;
    for (const path of ['/', '/room', '/config.js', '/no/such/page', '/app.css']) {
      const r = await get(path);
      assert.deepEqual(foreignUrls(r.body, origin), [], path);
    }
  });

  it('redirects plain HTTP to HTTPS on the same host and path, explaining why', async () => {
    const r = await fetchText(`http://127.0.0.1:${web.httpPort}/team-meeting?x=1`, {
      headers: { Host: `meet.test:${web.httpPort}` },
    });
    assert.equal(r.status, 301);
    const target = `https://meet.test:${web.httpsPort}/team-meeting?x=1`;
    assert.equal(r.headers.location, target);
    assert.match(r.body, /HTTPS/);
    assert.match(r.body, /camera and the microphone/);
    assert.ok(r.body.includes(`href="${target}"`));
    const plain = await fetchText(`http://127.0.0.1:${web.httpPort}/`);
    assert.equal(plain.headers.location, `https://127.0.0.1:${web.httpsPort}/`);
    const v6 = await fetchText(`http://127.0.0.1:${web.httpPort}/`, { headers: { Host: '[::1]:80' } });
    assert.equal(v6.headers.location, `https://[::1]:${web.httpsPort}/`);
    const evil = await fetchText(`http://127.0.0.1:${web.httpPort}/`, { headers: { Host: 'a"><script>' } });
    assert.equal(evil.headers.location, `https://127.0.0.1:${web.httpsPort}/`);
  });

  it('offers the local CA certificate for download at /ca.pem (HTTPS only)', async () => {
    const r = await get('/ca.pem');
    assert.equal(r.status, 200);
    assert.equal(r.body, ca);
    assert.match(String(r.headers['content-disposition']), /attachment/);
    const redirect = await fetchText(`http://127.0.0.1:${web.httpPort}/ca.pem`);
    assert.equal(redirect.status, 301);
    assert.ok(redirect.body.includes(`https://127.0.0.1:${web.httpsPort}/ca.pem`));
  });

  it('reports unhealthy while Prosody is down, and serves metrics on the loopback port', async () => {
    const h = await get('/health');
    assert.equal(h.status, 503);
    const report = JSON.parse(h.body);
    assert.equal(report.healthy, false);
    assert.match(report.prosody.upstream, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
    assert.equal((await fetchText(`http://127.0.0.1:${web.metricsPort}/health`)).status, 503);
    const m = await metrics();
    assert.equal(m.status, 200);
    assert.match(m.body, /parley_web_http_requests_total\{[^}]*route="index"/);
    assert.match(m.body, /service="web"/);
  });

  it('answers a WebSocket upgrade with 502 naming Prosody when it is down, and keeps serving pages', async () => {
    const ws = await RawWebSocket.connect({
      host: '127.0.0.1',
      port: web.httpsPort,
      path: '/xmpp-websocket',
      ca,
      protocol: 'xmpp',
    });
    assert.equal(ws.response.status, 502);
    const text = ws.response.raw + (await ws.rest());
    assert.match(text, new RegExp(`Prosody at http://127\\.0\\.0\\.1:${deadPort}`));
    ws.close();
    const bosh = await get('/http-bind', { method: 'POST', body: '<body/>', headers: { 'Content-Type': 'text/xml' } });
    assert.equal(bosh.status, 502);
    assert.match(bosh.body, new RegExp(`Prosody at http://127\\.0\\.0\\.1:${deadPort}`));
    assert.equal((await get('/room')).status, 200);
    const m = await metrics();
    assert.match(m.body, /parley_web_websocket_upgrades_total\{result="upstream_error"[^}]*\} 1/);
  });

  it('refuses WebSocket upgrades on other paths; a plain GET of /xmpp-websocket (keep-alive) gets 200', async () => {
    const ws = await RawWebSocket.connect({
      host: '127.0.0.1',
      port: web.httpsPort,
      path: '/other',
      ca,
      protocol: 'xmpp',
    });
    assert.equal(ws.response.status, 404);
    ws.close();
    // lib-jitsi-meet's keep-alive: fetch(<websocket URL with https:>), query string included.
    const r = await get('/xmpp-websocket?room=daily');
    assert.equal(r.status, 200);
    assert.match(r.body, /XMPP WebSocket endpoint/);
    assert.equal(r.headers['cache-control'], 'no-store');
    const post = await get('/xmpp-websocket', { method: 'POST', body: 'x' });
    assert.equal(post.status, 426, 'anything else is told to upgrade');
  });
});

describe('web server without a built client', () => {
  it('answers 503 with a hint to build, instead of crashing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parley-web-empty-'));
    dirs.push(empty);
    const certDir = mkdtempSync(join(tmpdir(), 'parley-web-certs-'));
    dirs.push(certDir);
    const certs = await ensureCertificates(certDir, { hostnames: ['meet.test'], addresses: [] });
    const w = await startWebServer({
      host: '127.0.0.1',
      httpsPort: 0,
      xmppHttp: { host: '127.0.0.1', port: deadPort },
      domain: 'meet.test',
      tls: { cert: certs.certPem, key: certs.keyPem },
      staticDir: empty,
    });
    try {
      assert.equal(w.httpPort, undefined);
      assert.equal(
        (await fetchText(w.url + '/ca.pem', { ca: certs.caCertPem })).status,
        404,
        'no CA given, none served',
      );
      const r = await fetchText(w.url + '/room', { ca: certs.caCertPem });
      assert.equal(r.status, 503);
      assert.match(r.body, /npm run build/);
    } finally {
      await w.close();
    }
  });
});

describe('web server with TURN', () => {
  it('says turn: true in /config.js and hands no credential to anyone at /turn-credentials', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'parley-web-certs-'));
    const staticDir = makeStaticDir();
    dirs.push(certDir, staticDir);
    const certs = await ensureCertificates(certDir, { hostnames: ['meet.test'], addresses: [] });
    const w = await startWebServer({
      host: '127.0.0.1',
      httpsPort: 0,
      xmppHttp: { host: '127.0.0.1', port: deadPort },
      domain: 'meet.test',
      tls: { cert: certs.certPem, key: certs.keyPem },
      staticDir,
      turn: true,
    });
    try {
      const cfg = await fetchText(w.url + '/config.js', { ca: certs.caCertPem });
      const window: { PARLEY_CONFIG?: Record<string, unknown> } = {};
      runInNewContext(cfg.body, { window });
      assert.equal(window.PARLEY_CONFIG?.turn, true);
      const r = await fetchText(w.url + '/turn-credentials', { ca: certs.caCertPem });
      assert.equal(r.status, 404);
      assert.doesNotMatch(r.body, /credential"|username/);
      assert.match(r.body, /XMPP sessions only/);
    } finally {
      await w.close();
    }
  });
});
