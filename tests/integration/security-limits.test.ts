// Issue 11, attacks 4 and 5, played against the real Prosody, the real focus and the real web server:
//   4. conferences without bound: one session asks the focus for conference after conference;
//   5. flood: many WebSocket connections from one address, a client sending as fast as it can,
//      an occupant flooding a room with groupchat messages.
// Each attack must be refused, with an error that names the limit.
import { client } from '@xmpp/client';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { conferenceRequestToXml, parseStanzaError, xml, type Element } from '@parley/protocol';
import { FakeBridgeClient, startFocus, type ConferenceLimitSettings, type RunningFocus } from '@parley/focus';
import { createLogger } from '@parley/service';
import { ensureCertificates, startWebServer, type RunningWebServer } from '@parley/web';
import { makeTestProsody, PROSODY_LIMITS, type TestProsody } from '@parley/xmpp-config';
import { RawWebSocket, fetchText, makeStaticDir } from '../../packages/web/src/server/fixtures/client.js';
import { TestParticipant, testFocusConfig, waitUntil, withTimeout, type Target } from './harness.js';

/** Prosody, and the focus with these conference limits (defaults where not given). */
async function startLimitedStack(limits: Partial<ConferenceLimitSettings> = {}, idleTimeoutMs = 30_000) {
  const logs: string[] = [];
  const prosody = await makeTestProsody({ log: (l) => logs.push(`prosody ${l}`) });
  const d = prosody.domains;
  let focus: RunningFocus;
  try {
    focus = await startFocus(testFocusConfig(prosody, { idleTimeoutMs, ...limits }), {
      log: createLogger('focus', { level: 'debug', write: (l) => logs.push(l) }),
      bridge: new FakeBridgeClient(),
    });
  } catch (err) {
    await prosody.stop();
    throw err;
  }
  const target: Target = { domain: d.domain, mucDomain: d.muc, focusJid: d.focus, c2sPort: prosody.settings.ports.c2s };
  const clients: TestParticipant[] = [];
  return {
    prosody,
    focus,
    target,
    logs,
    async participant(name = 'Tester') {
      const p = await TestParticipant.connect(target, name);
      clients.push(p);
      return p;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.disconnect()));
      await focus.close();
      await prosody.stop();
    },
  };
}
type LimitedStack = Awaited<ReturnType<typeof startLimitedStack>>;

interface Outcome {
  ok: boolean;
  condition?: string;
  text?: string;
}

/** Asks the focus for `room` and reports the answer (a refusal is an outcome, not an exception). */
async function ask(p: TestParticipant, room: string): Promise<Outcome> {
  try {
    await p.request(
      xml(
        'iq',
        { type: 'set', to: p.stack.focusJid },
        conferenceRequestToXml({ room: `${room}@${p.stack.mucDomain}`, properties: {} }),
      ),
      20_000,
    );
    return { ok: true };
  } catch (err) {
    const el = (err as { stanza?: Element; element?: Element }).stanza ?? (err as { element?: Element }).element;
    const e = el ? parseStanzaError(el) : undefined;
    return { ok: false, condition: e?.condition ?? (err as Error).message, text: e?.text };
  }
}

/** `n` requests for new rooms, all sent at once, like the attack. */
function askMany(p: TestParticipant, prefix: string, n: number): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => ask(p, `${prefix}-${i}`)));
}

function refusals(outcomes: Outcome[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const o of outcomes.filter((x) => !x.ok)) {
    const k = `${o.condition}: ${o.text}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return by;
}

describe('attack 4: conferences without bound', () => {
  describe('with the default limits', () => {
    let stack: LimitedStack;
    before(async () => {
      stack = await startLimitedStack();
    });
    after(async () => {
      await stack?.close();
    });

    test('one session asking for 100 new conferences gets 5; the rest are refused naming the limit', async () => {
      const attacker = await stack.participant('Attacker');
      const outcomes = await askMany(attacker, 'spam', 100);
      const created = outcomes.filter((o) => o.ok).length;
      assert.equal(created, 5, `created ${created}; refusals: ${JSON.stringify([...refusals(outcomes)])}`);
      assert.deepEqual([...refusals(outcomes)], [['resource-constraint: at most 5 live conferences per session', 95]]);
      assert.equal(stack.focus.manager.conferences.size, 5);

      // Joining by link is not creating: the attacker (and anyone) still gets an existing conference.
      const host = await stack.participant('Host');
      assert.deepEqual(await ask(host, 'team'), { ok: true }, 'another session still creates its conference');
      assert.deepEqual(await ask(attacker, 'team'), { ok: true }, 'an existing conference is never limited');
      assert.deepEqual(await ask(attacker, 'team'), { ok: true });
      assert.equal(stack.focus.manager.conferences.size, 6);
    });
  });

  describe('rate per session and the global cap', () => {
    let stack: LimitedStack;
    // Conferences nobody joins end after 1.5 s, which frees their places but not the rate.
    before(async () => {
      stack = await startLimitedStack(
        { maxConferences: 6, maxConferencesPerSession: 3, newConferencesPerMinute: 4 },
        1500,
      );
    });
    after(async () => {
      await stack?.close();
    });

    test('a session whose conferences ended is still held to N new conferences per minute', async () => {
      const attacker = await stack.participant('Attacker');
      const started = Date.now();
      const first = await askMany(attacker, 'burst-a', 10);
      assert.equal(first.filter((o) => o.ok).length, 3);
      assert.deepEqual([...refusals(first)], [['resource-constraint: at most 3 live conferences per session', 7]]);
      await waitUntil('the unused conferences end', () => stack.focus.manager.conferences.size === 0, 20_000);

      const second = await askMany(attacker, 'burst-b', 10);
      // 4 per minute: one token left, plus one per 15 s that passed.
      const allowed = 1 + Math.floor((Date.now() - started) / 15_000);
      const created = second.filter((o) => o.ok).length;
      assert.ok(created >= 1 && created <= allowed, `created ${created}, allowed ${allowed}`);
      assert.deepEqual(
        [...refusals(second)],
        [['resource-constraint: at most 4 new conferences per minute per session', 10 - created]],
      );
    });

    test('a global cap on live conferences holds across sessions; joining a running one still works', async () => {
      await waitUntil('earlier conferences end', () => stack.focus.manager.conferences.size === 0, 20_000);
      // Keep the rooms alive: each creator joins its room.
      const creators = await Promise.all([1, 2, 3].map((i) => stack.participant(`Creator${i}`)));
      for (const [i, c] of creators.entries()) {
        await c.join(`cap-${i}-a`);
        await c.join(`cap-${i}-b`);
      }
      assert.equal(stack.focus.manager.conferences.size, 6);
      const late = await stack.participant('Late');
      assert.deepEqual(await ask(late, 'cap-new'), {
        ok: false,
        condition: 'resource-constraint',
        text: 'this deployment runs at most 6 conferences at once; try again later',
      });
      assert.deepEqual(await ask(late, 'cap-0-a'), { ok: true }, 'a running conference is joined by link');
      assert.equal(stack.focus.manager.conferences.size, 6);
    });
  });
});

describe('attack 5: flood', () => {
  describe('WebSocket and BOSH connections per address through the web server', () => {
    let prosody: TestProsody;
    let web: RunningWebServer;
    let ca: string;
    const dirs: string[] = [];
    const sockets: RawWebSocket[] = [];
    before(async () => {
      prosody = await makeTestProsody();
      const certDir = mkdtempSync(join(tmpdir(), 'parley-limits-certs-'));
      const staticDir = makeStaticDir();
      dirs.push(certDir, staticDir);
      const certs = await ensureCertificates(certDir, { hostnames: ['meet.test'], addresses: [] });
      ca = certs.caCertPem;
      // No maxConnectionsPerAddress: the default applies.
      web = await startWebServer({
        host: '127.0.0.1',
        httpsPort: 0,
        xmppHttp: { host: '127.0.0.1', port: prosody.settings.ports.http },
        domain: prosody.domains.domain,
        tls: { cert: certs.certPem, key: certs.keyPem },
        staticDir,
      });
    });
    after(async () => {
      for (const s of sockets) s.close();
      await web?.close();
      await prosody?.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    const open = async () => {
      const ws = await RawWebSocket.connect({
        host: '127.0.0.1',
        port: web.httpsPort,
        path: '/xmpp-websocket',
        ca,
        protocol: 'xmpp',
        timeoutMs: 15_000,
      });
      sockets.push(ws);
      return ws;
    };

    test('a guest WebSocket session (the attack path) is read by Prosody at no more than 10 kB/s', async () => {
      const ws = await open();
      assert.equal(ws.response.status, 101, ws.response.raw);
      const domain = prosody.domains.domain;
      const openFrame = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${domain}" version="1.0"/>`;
      ws.sendText(openFrame);
      await ws.readTextUntil((t) => /<\/(stream:)?features>/.test(t), 10_000);
      ws.sendText('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>');
      await ws.readTextUntil((t) => /<success/.test(t), 10_000);
      ws.sendText(openFrame);
      await ws.readTextUntil((t) => /<\/(stream:)?features>/.test(t), 10_000);
      ws.sendText(
        '<iq xmlns="jabber:client" type="set" id="bind"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>',
      );
      await ws.readTextUntil((t) => /<jid>/.test(t), 10_000);

      const n = 800;
      let bytes = 0;
      const started = Date.now();
      for (let i = 0; i < n; i++) {
        const ping = `<iq xmlns="jabber:client" type="get" to="${domain}" id="ws-flood-${i}-${'x'.repeat(40)}"><ping xmlns="urn:xmpp:ping"/></iq>`;
        bytes += Buffer.byteLength(ping) + 6; // + the frame header
        ws.sendText(ping);
      }
      await ws.readTextUntil((t) => (t.match(/type=["']result["']/g) ?? []).length >= n, 120_000);
      const ms = Date.now() - started;
      const floorMs = (0.8 * 1000 * (bytes - 16_384)) / (10 * 1024);
      assert.ok(
        ms >= floorMs,
        `${bytes} bytes were read in ${ms} ms: faster than 10 kB/s allows (${Math.round(floorMs)} ms)`,
      );
      ws.close();
    });

    test('40 WebSocket connections from one address are accepted, the 41st gets 429 naming the cap', async () => {
      const mine: RawWebSocket[] = [];
      for (let i = 0; i < 40; i++) {
        const ws = await open();
        assert.equal(ws.response.status, 101, `connection ${i + 1}: ${ws.response.raw}`);
        mine.push(ws);
      }
      const extra = await open();
      assert.equal(extra.response.status, 429, extra.response.raw);
      const text = extra.response.raw + (await extra.rest());
      assert.match(text, /too many connections from 127\.0\.0\.1: at most 40 signaling connections per address/);

      // BOSH from the same address counts against the same cap.
      const bosh = await fetchText(`${web.url}/http-bind`, { ca, method: 'POST', body: '<body/>', timeoutMs: 10_000 });
      assert.equal(bosh.status, 429, bosh.body);
      assert.match(bosh.body, /at most 40 signaling connections per address/);

      // Closing one gives its place back.
      mine[0].close();
      let again: RawWebSocket | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        again = await open();
        if (again.response.status === 101) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(again?.response.status, 101, 'a place freed by a closed connection is usable again');
    });
  });

  describe('client sending rate and room flooding (Prosody limits)', () => {
    let stack: LimitedStack;
    before(async () => {
      stack = await startLimitedStack();
    });
    after(async () => {
      await stack?.close();
    });

    /** Sends `n` pings to the server at once; resolves when every answer came. Returns ms and bytes. */
    async function pingFlood(x: ReturnType<typeof client>, to: string, n: number) {
      const iqs = Array.from({ length: n }, (_, i) =>
        xml('iq', { type: 'get', to, id: `flood-${i}-${'x'.repeat(40)}` }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      );
      const bytes = iqs.reduce((sum, iq) => sum + Buffer.byteLength(iq.toString()), 0);
      const started = Date.now();
      await Promise.all(iqs.map((iq) => x.iqCaller.request(iq as never, 120_000)));
      return { ms: Date.now() - started, bytes };
    }

    test('a guest connection is read at no more than 10 kB/s; the bridge account is exempt', async () => {
      const guest = await stack.participant('Flooder');
      const limited = await pingFlood(guest.xmpp, stack.target.domain, 800);
      // mod_limits pauses reading for (bytes read / rate) after each read: everything but the first
      // read (at most 16 kB here) waits. 20% slack for rounding; the rate is a floor, load cannot beat it.
      const rate = 10 * 1024;
      const floorMs = (0.8 * 1000 * (limited.bytes - 16_384)) / rate;
      assert.ok(
        limited.ms >= floorMs,
        `${limited.bytes} bytes were read in ${limited.ms} ms: faster than ${PROSODY_LIMITS.c2sRate} allows (${Math.round(floorMs)} ms)`,
      );

      const s = stack.prosody.settings;
      const bridge = client({
        service: `xmpp://127.0.0.1:${s.ports.c2s}`,
        domain: stack.prosody.domains.auth,
        username: s.bridgeAccount.username,
        password: s.bridgeAccount.password,
      });
      bridge.on('error', () => {});
      await withTimeout(bridge.start(), 10_000, 'bridge account login');
      try {
        const exempt = await pingFlood(bridge, stack.prosody.domains.auth, 800);
        assert.ok(
          exempt.ms < floorMs,
          `the exempt bridge account took ${exempt.ms} ms for ${exempt.bytes} bytes (a limited guest needs ${Math.round(floorMs)} ms)`,
        );
      } finally {
        await withTimeout(bridge.stop(), 5000, 'bridge stop').catch(() => {});
      }
    });

    test('an occupant sending 3000 groupchat messages gets few relayed, the rest bounced; others still talk', async () => {
      const [flooder, observer, honest] = [
        await stack.participant('Flooder'),
        await stack.participant('Observer'),
        await stack.participant('Honest'),
      ];
      for (const p of [flooder, observer, honest]) await p.join('flooded');
      const room = flooder.room!;
      const fromFlooder = `${room}/${flooder.endpointId}`;
      const fromHonest = `${room}/${honest.endpointId}`;
      const relayedFrom = (p: TestParticipant, from: string) =>
        p.messages.filter((m) => m.attrs.from === from && m.attrs.type === 'groupchat' && m.getChild('body')).length;
      const bounced = () => flooder.messages.filter((m) => m.attrs.type === 'error');

      const total = 3000;
      const started = Date.now();
      for (let i = 0; i < total; i++)
        void flooder.xmpp.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, String(i))) as never);
      // While the flood is being read, an honest occupant's message reaches the others.
      const said = Date.now();
      await honest.xmpp.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'hello')) as never);
      await observer.waitFor('the honest message', () => relayedFrom(observer, fromHonest) === 1, 15_000);
      const honestMs = Date.now() - said;

      // Every flood message comes back to the flooder: relayed (the room echoes it) or bounced.
      await flooder.waitFor(
        'every flood message relayed or bounced',
        () => relayedFrom(flooder, fromFlooder) + bounced().length >= total,
        180_000,
      );
      const seconds = (Date.now() - started) / 1000;
      const relayed = relayedFrom(flooder, fromFlooder);
      await observer.waitFor('the relayed flood', () => relayedFrom(observer, fromFlooder) >= relayed, 10_000);
      const maxRelayed = PROSODY_LIMITS.mucMessageBurst + Math.ceil(PROSODY_LIMITS.mucMessageRate * seconds) + 2;
      assert.ok(
        relayedFrom(observer, fromFlooder) <= maxRelayed && maxRelayed < 200,
        `the observer got ${relayedFrom(observer, fromFlooder)} of ${total} flood messages in ${seconds.toFixed(1)} s (at most ${maxRelayed})`,
      );
      assert.equal(bounced().length, total - relayed);
      const e = parseStanzaError(bounced()[0]);
      assert.equal(e?.condition, 'policy-violation');
      assert.equal(
        e?.text,
        `at most ${PROSODY_LIMITS.mucMessageRate} messages per second (bursts of ${PROSODY_LIMITS.mucMessageBurst}) per occupant: this message was not delivered`,
      );
      assert.ok(honestMs < 15_000, `the honest message took ${honestMs} ms`);
      // And after the flood, the flooder's room still works for everyone else.
      await honest.xmpp.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'still here')) as never);
      await observer.waitFor('the second honest message', () => relayedFrom(observer, fromHonest) === 2, 15_000);
    });
  });
});
