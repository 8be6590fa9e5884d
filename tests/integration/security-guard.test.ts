// Issue 11, attacks 1-3, played against the real Prosody, focus and bridge. The attacker is an
// anonymous guest that connects exactly like the browser app: WebSocket to the web server's
// /xmpp-websocket, proxied to Prosody. It tries to pose as a bridge in the brewery, to squat a
// conference room before the focus creates it, and to take the nick "focus". Each attempt is
// refused by Prosody itself, and the conferences that follow run normally on the real bridge.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, xml as xmppXml } from '@xmpp/client';
import {
  bareJid,
  bridgeStatsToXml,
  COLIBRI2_NS,
  conferenceModifiedToXml,
  conferenceModifyToXml,
  MUC_NS,
  MUC_USER_NS,
  mucJoinPresence,
  parseConferenceModify,
  parseStanzaError,
  xml,
  type BridgeStats,
  type Element,
} from '@parley/protocol';
import type { Colibri2BridgeClient } from '@parley/focus';
import { ensureCertificates, startWebServer, type RunningWebServer } from '@parley/web';
import { expectStanzaError, startStack, TestParticipant, waitUntil, withTimeout, type Stack } from './harness.js';
import { useBrowserWebSocket } from './browser-socket.js';

const calmStats: BridgeStats = {
  stress: 0,
  conferences: 0,
  endpoints: 0,
  packetRateDown: 0,
  packetRateUp: 0,
  draining: false,
  healthy: true,
};

const statusCodes = (p: Element): string[] =>
  p
    .getChildren('x')
    .filter((x) => x.attrs.xmlns === MUC_USER_NS)
    .flatMap((x) => x.getChildren('status').map((s) => s.attrs.code as string));

/** The room's answer to a join or nick change: an error presence, or the occupant's own presence (110). */
function mucAnswer(p: TestParticipant, occupant: string, after = 0): Promise<Element> {
  return p.waitFor(`the MUC's answer for ${occupant}`, () =>
    p.presences
      .slice(after)
      .find((s) => s.attrs.from === occupant && (s.attrs.type === 'error' || statusCodes(s).includes('110'))),
  );
}

/** The same element built by @xmpp/client's ltx, which its IQ callee needs to send it as the answer. */
function forXmppClient(el: Element): Element {
  const kids = el.children.map((c) => (typeof c === 'string' ? c : forXmppClient(c as Element)));
  return xmppXml(el.name, el.attrs, ...kids) as unknown as Element;
}

function assertRefused(answer: Element, condition: string, what: string): void {
  assert.equal(
    answer.attrs.type,
    'error',
    `${what}: Prosody let it happen (status ${statusCodes(answer).join(',')}): ${answer.toString()}`,
  );
  assert.equal(parseStanzaError(answer)?.condition, condition, answer.toString());
}

describe('issue 11: a guest cannot pose as a bridge, squat a room or take the focus nick', () => {
  let stack: Stack;
  let web: RunningWebServer;
  let ca: string;
  const dirs: string[] = [];
  const others: { stop(): Promise<unknown> }[] = [];
  let n = 0;
  const fresh = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

  before(async () => {
    stack = await startStack({ realBridge: true });
    const certDir = mkdtempSync(join(tmpdir(), 'parley-guard-certs-'));
    dirs.push(certDir);
    const certs = await ensureCertificates(certDir, { hostnames: ['localhost'], addresses: ['127.0.0.1'] });
    ca = certs.caCertPem;
    web = await startWebServer({
      host: '127.0.0.1',
      httpsPort: 0,
      xmppHttp: { host: '127.0.0.1', port: stack.prosody.settings.ports.http },
      domain: stack.domain,
      tls: { cert: certs.certPem, key: certs.keyPem },
    });
  });
  after(async () => {
    await Promise.allSettled(others.map((o) => withTimeout(o.stop(), 5000, 'client stop')));
    await web?.close();
    await stack?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** An anonymous guest through wss://<web>/xmpp-websocket, like the browser app. */
  async function guest(name: string): Promise<TestParticipant> {
    const g = await TestParticipant.connect(stack, name, {
      service: `wss://127.0.0.1:${web.httpsPort}/xmpp-websocket`,
      prepare: (xmpp) => useBrowserWebSocket(xmpp, ca),
    });
    others.push({ stop: () => g.disconnect() });
    assert.equal(bareJid(g.jid).split('@')[1], stack.domain, 'the attacker is an anonymous guest');
    return g;
  }

  /** A c2s login with one of the service accounts on auth.<domain> (they are Prosody-trusted). */
  async function serviceLogin(username: string, password: string, resource: string) {
    const xmpp = client({
      service: `xmpp://127.0.0.1:${stack.c2sPort}`,
      domain: `auth.${stack.domain}`,
      username,
      password,
      resource,
    });
    xmpp.on('error', () => {});
    const presences: Element[] = [];
    xmpp.on('stanza', (s: Element) => {
      if (s.name === 'presence') presences.push(s);
    });
    await withTimeout(xmpp.start(), 10_000, `${username} login`);
    others.push({ stop: () => xmpp.stop() });
    return { xmpp, presences };
  }

  const colibri = () => stack.focus.bridge as Colibri2BridgeClient;

  test('attack 1: a guest posing as a bridge is refused by Prosody; conferences stay on the real bridge', async () => {
    const mallory = await guest('Mallory');
    const asked: Element[] = [];
    // What a fake bridge would answer: its own ICE credentials, to get the media.
    mallory.xmpp.iqCallee.set(COLIBRI2_NS, 'conference-modify', (ctx: { element: Element }) => {
      asked.push(ctx.element);
      const ids = parseConferenceModify(ctx.element).endpoints.map((e) => e.id);
      return forXmppClient(
        conferenceModifiedToXml({
          endpoints: ids.map((id) => ({
            id,
            transport: {
              ice: {
                ufrag: 'mallory',
                pwd: 'mallorymallorymallory00',
                rtcpMux: true,
                fingerprints: [],
                candidates: [],
              },
            },
          })),
        }),
      );
    });
    const fakeBridge = `${stack.prosody.domains.brewery}/jvb-mallory`;
    mallory.xmpp.send(
      xml(
        'presence',
        { to: fakeBridge },
        xml('x', { xmlns: MUC_NS }),
        bridgeStatsToXml({ ...calmStats, stress: -1 }),
      ) as never,
    );
    assertRefused(await mucAnswer(mallory, fakeBridge), 'registration-required', 'a guest joined the brewery');
    assert.deepEqual([...colibri().bridges.keys()], ['jvb-test'], 'the focus knows only the real bridge');

    const alice = await stack.participant('Alice');
    await alice.join(fresh('after-fake-bridge'));
    const offer = await alice.sessionInitiate();
    assert.equal(asked.length, 0, 'the attacker was never asked to allocate');
    const ufrag = offer.contents[0].transport?.ufrag;
    assert.notEqual(ufrag, 'mallory');
    const dump = stack.sfu!.bridge.dump() as { conferences: { endpoints: { id: string }[] }[] };
    assert.ok(
      dump.conferences.some((c) => c.endpoints.some((e) => e.id === alice.endpointId)),
      'the participant is allocated on the real bridge',
    );
    await alice.disconnect();
  });

  test('attack 1, second line: the focus takes only the bridges account as a bridge, with possible stats', async () => {
    const d = stack.prosody.domains;
    const s = stack.prosody.settings;
    // The focus's own user account may enter the internal MUC (it is admin there), but it is no bridge.
    const impostor = await serviceLogin(s.focusAccount.username, s.focusAccount.password, 'impostor');
    impostor.xmpp.send(
      xml('presence', { to: `${d.brewery}/jvb-impostor` }, xml('x', { xmlns: MUC_NS }), bridgeStatsToXml(calmStats)),
    );
    // A broken bridge on the right account: its stats cannot be true.
    const broken = await serviceLogin(s.bridgeAccount.username, s.bridgeAccount.password, 'broken');
    broken.xmpp.send(
      xml(
        'presence',
        { to: `${d.brewery}/jvb-broken` },
        xml('x', { xmlns: MUC_NS }),
        bridgeStatsToXml({ ...calmStats, stress: -1 }),
      ),
    );
    const refusal = (nick: string, text: string) => () =>
      stack.logs.some((l) => l.includes('bridge.refused') && l.includes(nick) && l.includes(text));
    await waitUntil('the focus refuses the impostor', refusal('jvb-impostor', "is not the bridges' account"), 10_000);
    await waitUntil('the focus refuses the broken stats', refusal('jvb-broken', 'stress_level -1 is negative'), 10_000);
    assert.deepEqual([...colibri().bridges.keys()], ['jvb-test']);

    const bob = await stack.participant('Bob');
    await bob.join(fresh('after-impostors'));
    await bob.sessionInitiate();
    const dump = stack.sfu!.bridge.dump() as { conferences: { endpoints: { id: string }[] }[] };
    assert.ok(dump.conferences.some((c) => c.endpoints.some((e) => e.id === bob.endpointId)));
    await bob.disconnect();
  });

  test('colibri2 from a guest is forbidden at the bridge', async () => {
    const mallory = await guest('Mallory');
    const bridgeJid = colibri().bridges.get('jvb-test')!.jid;
    const before = stack.sfu!.bridge.conferences.size;
    await expectStanzaError(
      mallory.request(
        xml(
          'iq',
          { type: 'set', to: bridgeJid },
          conferenceModifyToXml({ meetingId: 'stolen', create: true, endpoints: [{ id: 'deadbeef', create: true }] }),
        ),
      ),
      'forbidden',
      /is not a focus/,
    );
    assert.equal(stack.sfu!.bridge.conferences.size, before);
  });

  test('attack 2: a guest cannot create a room before the focus; the real participant then gets it', async () => {
    const room = fresh('squat');
    const roomJid = `${room}@${stack.mucDomain}`;
    const mallory = await guest('Mallory');
    mallory.xmpp.send(mucJoinPresence(`${roomJid}/mallory`, { maxHistory: 0 }) as never);
    const answer = await mucAnswer(mallory, `${roomJid}/mallory`);
    assertRefused(answer, 'not-allowed', 'a guest created (and owns) a room');
    assert.match(parseStanzaError(answer)?.text ?? '', /Room creation is restricted/);

    const alice = await stack.participant('Alice');
    await alice.join(room);
    await alice.accept();
    // Once the focus made the room, the guest may come in, as a plain occupant with no powers.
    const seen = mallory.presences.length;
    mallory.xmpp.send(mucJoinPresence(`${roomJid}/mallory`, { maxHistory: 0 }) as never);
    const joined = await mucAnswer(mallory, `${roomJid}/mallory`, seen);
    assert.equal(joined.attrs.type, undefined, joined.toString());
    assert.ok(!statusCodes(joined).includes('201'), 'the room was not created by the guest');
    const item = joined
      .getChildren('x')
      .find((x) => x.attrs.xmlns === MUC_USER_NS)
      ?.getChild('item');
    assert.equal(item?.attrs.affiliation, 'none');
    await expectStanzaError(
      mallory.request(
        xml(
          'iq',
          { type: 'set', to: roomJid },
          xml('query', { xmlns: 'http://jabber.org/protocol/muc#owner' }, xml('destroy', {})),
        ),
      ),
      'forbidden',
      /./,
    );
    await alice.disconnect();
  });

  test('attack 3: a guest left in a room after the focus cannot take the nick "focus"', async () => {
    const room = fresh('nick-change');
    const roomJid = `${room}@${stack.mucDomain}`;
    const alice = await stack.participant('Alice');
    await alice.join(room);
    const mallory = await guest('Mallory');
    mallory.xmpp.send(mucJoinPresence(`${roomJid}/mallory`, { maxHistory: 0 }) as never);
    assert.equal((await mucAnswer(mallory, `${roomJid}/mallory`)).attrs.type, undefined);
    await alice.disconnect(); // the last participant: the focus ends the conference and leaves the room
    await mallory.waitFor('the focus leaving', () =>
      mallory.presences.find((p) => p.attrs.from === `${roomJid}/focus` && p.attrs.type === 'unavailable'),
    );
    const seen = mallory.presences.length;
    mallory.xmpp.send(xml('presence', { to: `${roomJid}/focus` }) as never);
    assertRefused(await mucAnswer(mallory, `${roomJid}/focus`, seen), 'conflict', 'a guest took the nick focus');
    // Nor can a guest walk in as "focus" while the focus is away.
    const eve = await guest('Eve');
    eve.xmpp.send(mucJoinPresence(`${roomJid}/focus`, { maxHistory: 0 }) as never);
    assertRefused(await mucAnswer(eve, `${roomJid}/focus`), 'conflict', 'a guest joined as focus');

    const bob = await stack.participant('Bob');
    await bob.join(room);
    await bob.accept();
    assert.ok(stack.focus.manager.conferences.get(roomJid)?.participants.has(bob.endpointId));
    await bob.disconnect();
  });

  test('attack 3: the focus removes whoever holds its nick in a room it has not joined, and joins', async () => {
    // Rooms are the focus's alone now, so the holder here is a session of the focus's own service
    // account (admins may create rooms): e.g. an operator's XMPP client, or a stale login.
    const room = fresh('held-nick');
    const roomJid = `${room}@${stack.mucDomain}`;
    const s = stack.prosody.settings;
    const holder = await serviceLogin(s.focusAccount.username, s.focusAccount.password, 'holder');
    holder.xmpp.send(mucJoinPresence(`${roomJid}/focus`, { maxHistory: 0 }));
    await waitUntil(
      'the holder is in the room as focus',
      () => holder.presences.some((p) => p.attrs.from === `${roomJid}/focus` && statusCodes(p).includes('110')),
      10_000,
    );

    const alice = await stack.participant('Alice');
    await alice.join(room);
    await alice.accept();
    assert.ok(
      holder.presences.some(
        (p) => p.attrs.from === `${roomJid}/focus` && p.attrs.type === 'unavailable' && statusCodes(p).includes('307'),
      ),
      'the holder was removed from the nick',
    );
    assert.ok(stack.logs.some((l) => l.includes('conference.nick_taken') && l.includes(roomJid)));
    // ...and cannot take it back.
    holder.xmpp.send(mucJoinPresence(`${roomJid}/focus`, { maxHistory: 0 }));
    await waitUntil(
      'the holder is refused',
      () =>
        holder.presences.some(
          (p) =>
            p.attrs.from === `${roomJid}/focus` &&
            p.attrs.type === 'error' &&
            parseStanzaError(p)?.condition === 'conflict',
        ),
      10_000,
    );
    await alice.disconnect();
  });
});
