import type { StartConfig } from '../../start-config.js';
import { type CheckResult, type DoctorContext, reachFrom, urlHost, NGINX, guestDomain } from '../context.js';

export const wsUntil = (t: string) => /<\/(stream:)?features>|<(stream:)?features[^>]*\/>/.test(t);

/** Judges the answer of the XMPP-over-WebSocket handshake (pure). */
export function judgeWebSocket(
  c: StartConfig,
  url: string,
  r: { status: number; headers: Record<string, string>; text: string; error?: string } | Error,
): CheckResult {
  const id = 'websocket';
  const prosodyFix = `Prosody is not reachable from the web server at 127.0.0.1:${c.xmppHttpPort}: start it (\`npm start\`), or make --xmpp-http-port match http_ports in <data dir>/prosody/prosody.cfg.lua`;
  const proxyFix = `a proxy in front of the web server strips the Upgrade/Connection headers or routes /xmpp-websocket elsewhere: in nginx, location /xmpp-websocket { proxy_pass https://127.0.0.1:${c.httpsPort}; ${NGINX} }`;
  if (r instanceof Error) {
    return {
      id,
      status: 'fail',
      summary: `${url}: cannot connect (${r.message})`,
      fix: `the web app is not listening there: start it with \`npm start\`, or give doctor the --https-port/--web-bind it runs with`,
    };
  }
  if (r.status === 502 || r.status === 503 || r.status === 504)
    return {
      id,
      status: 'fail',
      summary: `${url}: HTTP ${r.status} instead of 101 (${r.text.trim().split('\n')[0]})`,
      fix: prosodyFix,
    };
  if (r.status !== 101)
    return {
      id,
      status: 'fail',
      summary: `${url}: HTTP ${r.status || '(no status)'} instead of 101 Switching Protocols`,
      fix: proxyFix,
    };
  if (r.error && !wsUntil(r.text)) {
    return {
      id,
      status: 'fail',
      summary: `${url}: upgraded, but the XMPP open got no stream features: ${r.error}${r.text ? `; got ${r.text.slice(0, 240)}` : ''}`,
      fix: `Prosody must serve the domain doctor opens (${guestDomain(c)}): give doctor the --domain \`npm start\` runs with; see ${'<data dir>'}/prosody/prosody.log`,
    };
  }
  if (!/<mechanism>\s*ANONYMOUS\s*<\/mechanism>/.test(r.text)) {
    return {
      id,
      status: 'fail',
      summary: `${url}: stream features offer no ANONYMOUS login (guests cannot join)`,
      fix: `VirtualHost "${guestDomain(c)}" needs authentication = "anonymous" in <data dir>/prosody/prosody.cfg.lua: restart \`npm start\` to rewrite it`,
    };
  }
  if ((r.headers['sec-websocket-protocol'] ?? '').toLowerCase() !== 'xmpp') {
    return {
      id,
      status: 'warn',
      summary: `${url}: upgraded and offers ANONYMOUS, but the answer lacks "Sec-WebSocket-Protocol: xmpp" (browsers close such a socket)`,
      fix: `a proxy drops the Sec-WebSocket-Protocol header: pass it through (nginx: proxy_set_header Sec-WebSocket-Protocol $http_sec_websocket_protocol;)`,
    };
  }
  return { id, status: 'ok', summary: `${url}: 101, XMPP stream features offer ANONYMOUS` };
}

export async function checkWebSocket(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c } = ctx;
  const host = reachFrom(c.webBind);
  const url = `wss://${urlHost(host)}:${c.httpsPort}/xmpp-websocket`;
  const r = await ctx.io
    .wsProbe({
      host,
      port: c.httpsPort,
      path: '/xmpp-websocket',
      protocol: 'xmpp',
      send: `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${guestDomain(c)}" version="1.0"/>`,
      until: wsUntil,
      timeoutMs: ctx.timeoutMs,
    })
    .catch((e: Error) => e);
  const out = judgeWebSocket(c, url, r);
  if (out.fix) out.fix = out.fix.replaceAll('<data dir>', ctx.dataDir);
  return out;
}
