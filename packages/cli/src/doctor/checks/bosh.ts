// `parley doctor` check "bosh".
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type CheckResult, type DoctorContext, webOrigin, prosodyDir, guestDomain, fail } from '../context.js';

// BOSH ----------------------------------------------------------------------------------------------
export async function checkBosh(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const url = `${webOrigin(c)}/http-bind`;
  const rid = 1_000_000 + (randomBytes(4).readUInt32BE(0) % 1_000_000_000);
  const body = `<body content="text/xml; charset=utf-8" hold="1" rid="${rid}" to="${guestDomain(c)}" ver="1.6" wait="10" xml:lang="en" xmlns="http://jabber.org/protocol/httpbind" xmlns:xmpp="urn:xmpp:xbosh" xmpp:version="1.0"/>`;
  let r: Awaited<ReturnType<typeof io.request>>;
  try {
    r = await io.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (e) {
    return fail(
      'bosh',
      `POST ${url}: ${(e as Error).message}`,
      'the web app is not answering: start it with `npm start`, or give doctor the --https-port/--web-bind it runs with',
    );
  }
  const sid = /<body\b[^>]*\bsid=["']([^"']+)["']/.exec(r.body)?.[1];
  if (r.status === 200 && sid) {
    // End the session we opened (best effort, bounded).
    await io
      .request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
        body: `<body rid="${rid + 1}" sid="${sid}" type="terminate" xmlns="http://jabber.org/protocol/httpbind"/>`,
        timeoutMs: ctx.timeoutMs,
      })
      .catch(() => {});
    return { id: 'bosh', status: 'ok', summary: `POST ${url}: 200, BOSH session created` };
  }
  if (r.status === 502 || r.status === 503 || r.status === 504) {
    return fail(
      'bosh',
      `POST ${url}: HTTP ${r.status}`,
      `Prosody is not reachable from the web server at 127.0.0.1:${c.xmppHttpPort}: start it (\`npm start\`), or make --xmpp-http-port match http_ports in ${join(prosodyDir(ctx), 'prosody.cfg.lua')}`,
    );
  }
  const condition = /\bcondition=["']([^"']+)["']/.exec(r.body)?.[1];
  if (r.status === 200 && condition) {
    return fail(
      'bosh',
      `POST ${url}: Prosody refused the session (${condition})`,
      `give doctor the --domain \`npm start\` runs with (it opened ${guestDomain(c)})`,
    );
  }
  return fail(
    'bosh',
    `POST ${url}: HTTP ${r.status}, no <body sid=...>`,
    `a proxy routes /http-bind elsewhere: in nginx, location /http-bind { proxy_pass https://127.0.0.1:${c.httpsPort}; }`,
  );
}
