// Seeded fuzz of the stanzas the focus takes from participants (conference request, presence,
// Jingle, mute, moderation, room access), mutated from valid ones and delivered through a
// FakeXmppLink. After each seed: every IQ was answered (result or error), nothing threw out of the
// focus, and the conference still works (a newcomer is offered a session). The seed is in every
// failure; PARLEY_FUZZ_SEEDS replays it, PARLEY_FUZZ=long runs 20x the inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conferenceRequestToXml, JINGLE_NS, parseJingle, xml, type Element } from '@parley/protocol';
import { fuzzPlan, mutateStanza, pick, prng } from '@parley/protocol/fuzz';
import { createLogger, createRegistry } from '@parley/service';
import { ConferenceManager } from './conference-manager.js';
import { FakeBridgeClient } from './fake-bridge-client.js';
import { FakeXmppLink } from './fake-xmpp-link.js';
import { focusMetrics } from './metrics.js';

const MUC = 'conference.meet.test';
const ROOM = `fuzz@${MUC}`;
const A = 'aaaa0001';

/** Valid stanzas as the web client and lib-jitsi-meet send them (the mutations start from these). */
function templates(sid: string): string[] {
  const from = `${ROOM}/${A}`;
  const to = `${ROOM}/focus`;
  const desc = (media: string, ssrc: number) =>
    `<description xmlns="urn:xmpp:jingle:apps:rtp:1" media="${media}"><payload-type id="111" name="opus" clockrate="48000" channels="2"/>` +
    `<source xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" ssrc="${ssrc}" name="${A}-${media[0]}0"><ssrc-info xmlns="http://jitsi.org/jitmeet" owner="${A}"/></source>` +
    (media === 'video'
      ? `<ssrc-group xmlns="urn:xmpp:jingle:apps:rtp:ssma:0" semantics="FID"><source ssrc="${ssrc}"/><source ssrc="${ssrc + 1}"/></ssrc-group>`
      : '') +
    '</description>';
  const transport =
    '<transport xmlns="urn:xmpp:jingle:transports:ice-udp:1" ufrag="abcd" pwd="passwordpasswordpassword">' +
    '<fingerprint xmlns="urn:xmpp:jingle:apps:dtls:0" hash="sha-256" setup="active">AA:BB</fingerprint>' +
    '<candidate foundation="1" component="1" protocol="udp" priority="1" ip="127.0.0.1" port="5000" type="host" generation="0" id="c1"/></transport>';
  const jingle = (action: string, body: string) =>
    `<iq type="set" id="ID" from="${from}" to="${to}"><jingle xmlns="${JINGLE_NS}" action="${action}" sid="${sid}">${body}</jingle></iq>`;
  return [
    conferenceRequestToXml({ room: ROOM, properties: { startAudioMuted: '9' } })
      .toString()
      .replace('<conference', `<iq type="set" id="ID" from="${A}@meet.test/web" to="focus.meet.test"><conference`)
      .concat('</iq>'),
    `<presence from="${from}" to="focus.meet.test/focus"><x xmlns="http://jabber.org/protocol/muc#user"><item jid="${A}@meet.test/web" role="participant" affiliation="none"/></x><nick xmlns="http://jabber.org/protocol/nick">Ann</nick><audiomuted xmlns="http://jitsi.org/jitmeet/audio">false</audiomuted><SourceInfo>{"${A}-v0":{"muted":false,"videoType":"camera"}}</SourceInfo></presence>`,
    jingle(
      'session-accept',
      `<content name="audio" creator="initiator" senders="both">${desc('audio', 7000)}${transport}</content><content name="video" creator="initiator" senders="both">${desc('video', 7002)}${transport}</content>`,
    ),
    jingle('source-add', `<content name="video" creator="initiator">${desc('video', 7010)}</content>`),
    jingle('source-remove', `<content name="video" creator="initiator">${desc('video', 7010)}</content>`),
    jingle('transport-info', `<content name="audio" creator="initiator">${transport}</content>`),
    jingle('session-info', '<ice-state xmlns="http://jitsi.org/protocol/focus">failed</ice-state>'),
    `<iq type="set" id="ID" from="${from}" to="${to}"><mute xmlns="http://jitsi.org/jitmeet/audio" jid="${ROOM}/bbbb0002">true</mute></iq>`,
    `<iq type="set" id="ID" from="${A}@meet.test/web" to="focus.meet.test"><moderation xmlns="urn:parley:focus:1" action="mute-all" room="${ROOM}" media="audio"/></iq>`,
    `<iq type="set" id="ID" from="${A}@meet.test/web" to="focus.meet.test"><room-access xmlns="urn:parley:focus:1" kind="password" room="${ROOM}" password="x"/></iq>`,
  ];
}

async function settle(link: FakeXmppLink, ids: string[]): Promise<string[]> {
  const answered = (id: string) => link.sent.some((s) => s.name === 'iq' && s.attrs.id === id);
  const deadline = Date.now() + 5000;
  while (ids.some((id) => !answered(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return ids.filter((id) => !answered(id));
}

test('stanza fuzz at the focus: every IQ answered, nothing thrown, the conference still works', async () => {
  const plan = fuzzPlan({ seeds: [1, 2, 3, 4, 5], inputs: 150 }, process.env);
  const escaped: string[] = [];
  const onError = (e: unknown) => escaped.push(String((e as Error)?.stack ?? e));
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  let tried = 0;
  const answers = { result: 0, error: 0 };
  try {
    for (const seed of plan.seeds) {
      const rnd = prng(seed);
      const link = new FakeXmppLink();
      const manager = new ConferenceManager({
        link,
        bridge: new FakeBridgeClient(),
        log: createLogger('focus', { level: 'error', write: () => {} }),
        metrics: focusMetrics(createRegistry('focus')),
        mucDomain: MUC,
      });
      const where = `seed ${seed} (replay: PARLEY_FUZZ_SEEDS=${seed})`;
      // A running conference with A in it and offered a session.
      link.deliver(
        xml(
          'iq',
          { type: 'set', id: 'start', from: 'x@meet.test/web', to: link.jid },
          conferenceRequestToXml({ room: ROOM, properties: {} }),
        ),
      );
      await link.waitSent('the conference answer', (s) => s.attrs.id === 'start');
      link.deliver(templates('none')[1]);
      const offer = await link.waitSent(
        'an offer to A',
        (s) => s.attrs.to === `${ROOM}/${A}` && !!s.getChild('jingle', JINGLE_NS),
      );
      const valid = templates(parseJingle(offer.getChild('jingle', JINGLE_NS)!).sid);
      const ids: string[] = [];
      for (let i = 0; i < plan.inputs; i++) {
        const stanza: Element = mutateStanza(pick(rnd, valid), rnd);
        if (stanza.name === 'iq') {
          stanza.attrs.id = `f${seed}-${i}`;
          ids.push(stanza.attrs.id);
        }
        link.deliver(stanza);
        tried++;
        if (i % 25 === 24) await new Promise((r) => setImmediate(r));
      }
      const unanswered = await settle(link, ids);
      assert.deepEqual(unanswered.slice(0, 5), [], `${where}: IQs without an answer`);
      for (const x of link.sent)
        if (x.name === 'iq' && ids.includes(String(x.attrs.id)))
          answers[x.attrs.type === 'error' ? 'error' : 'result']++;
      // Still working: a newcomer joins and is offered a session.
      const c = manager.conferences.get(ROOM);
      assert.equal(c?.state, 'running', `${where}: the conference is ${c?.state ?? 'gone'}`);
      link.deliver(
        `<presence from="${ROOM}/cccc0003" to="focus.meet.test/focus"><x xmlns="http://jabber.org/protocol/muc#user"><item jid="c@meet.test/web" role="participant" affiliation="none"/></x></presence>`,
      );
      await link.waitSent(
        `${where}: an offer to a newcomer`,
        (s) => s.attrs.to === `${ROOM}/cccc0003` && !!s.getChild('jingle', JINGLE_NS),
      );
      await manager.close();
    }
  } finally {
    process.off('unhandledRejection', onError);
    process.off('uncaughtException', onError);
  }
  console.log(
    `stanza fuzz: ${plan.seeds.length} seeds, ${tried} mutated stanzas; IQs answered ${answers.result} result, ${answers.error} error`,
  );
  assert.deepEqual(escaped, [], 'errors escaped the focus');
  // Not only refusals at the parser: some mutated requests still got through to the handlers.
  assert.ok(answers.result > 0 && answers.error > 0, JSON.stringify(answers));
});
