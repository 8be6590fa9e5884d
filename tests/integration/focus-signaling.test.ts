// The signaling plane end to end: real Prosody on loopback, the real focus, scripted clients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { occupantJid, parseParticipantPresence, xml, type Element } from '@parley/protocol';
import { expectStanzaError, startStack, ssrcsOf, type Stack, type TestParticipant } from './harness.js';

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

function latestPresence(viewer: TestParticipant, of: TestParticipant): Element | undefined {
  const from = occupantJid(viewer.room!, of.endpointId);
  return viewer.presences.filter((p) => p.attrs.from === from).at(-1);
}

describe('focus with a real Prosody', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  test("three participants each get exactly the others' sources; a fourth joining and leaving updates everyone", async () => {
    const [a, b, c] = [
      await stack.participant('Alice'),
      await stack.participant('Bob'),
      await stack.participant('Carol'),
    ];
    for (const p of [a, b, c]) {
      await p.join('alpha');
      await p.accept();
    }
    const initiate = (p: TestParticipant) => p.jingles.find((j) => j.jingle.action === 'session-initiate')!.jingle;
    const initiateSsrcs = (p: TestParticipant) =>
      sorted(initiate(p).contents.flatMap((x) => x.description?.sources.map((s) => s.ssrc) ?? []));
    // The offers name no sources (lib-jitsi-meet would send on the m-line of the first one it names and
    // reject that m-line when its owner leaves): everyone else's follow in the first source-add.
    for (const p of [a, b, c]) assert.deepEqual(initiateSsrcs(p), [], `${p.name}'s offer names no sources`);
    const firstAdd = (p: TestParticipant) => p.jingles.find((j) => j.jingle.action === 'source-add')!.jingle;
    const firstAddSsrcs = (p: TestParticipant) =>
      sorted(firstAdd(p).contents.flatMap((x) => x.description?.sources.map((s) => s.ssrc) ?? []));
    assert.deepEqual(firstAddSsrcs(b), sorted(ssrcsOf(a.own)));
    assert.deepEqual(firstAddSsrcs(c), sorted([...ssrcsOf(a.own), ...ssrcsOf(b.own)]));
    // The offer carries the bridge's transport; the source-add the groups of the sources it names.
    const video = initiate(c).contents.find((x) => x.name === 'video')!;
    assert.ok(
      video.transport?.ufrag &&
        video.transport.fingerprints.length === 1 &&
        video.transport.candidates[0].ip === '127.0.0.1',
    );
    const addedVideo = firstAdd(c).contents.find((x) => x.name === 'video')!;
    assert.equal(addedVideo.description!.sourceGroups.filter((g) => g.semantics === 'SIM').length, 2);
    assert.deepEqual(initiate(c).bundle, ['audio', 'video', 'data']);

    for (const [p, others] of [
      [a, [b, c]],
      [b, [a, c]],
      [c, [a, b]],
    ] as const) {
      const want = sorted(others.flatMap((o) => ssrcsOf(o.own)));
      await p.waitFor(`sources of ${others.length} others`, () => sorted(p.knownRemoteSsrcs()).join() === want.join());
    }

    const d = await stack.participant('Dave');
    await d.join('alpha');
    await d.accept();
    for (const p of [a, b, c])
      await p.waitFor('source-add of the fourth', () => ssrcsOf(d.own).every((s) => p.knownRemoteSsrcs().has(s)));
    assert.deepEqual(sorted(d.knownRemoteSsrcs()), sorted([a, b, c].flatMap((o) => ssrcsOf(o.own))));

    await d.disconnect();
    for (const p of [a, b, c]) {
      await p.waitFor('source-remove of the fourth', () => !ssrcsOf(d.own).some((s) => p.knownRemoteSsrcs().has(s)));
      const removal = p.jingles.find((j) => j.jingle.action === 'source-remove')!;
      assert.equal(removal.from, p.focusOccupant, 'source-remove comes from the focus, relayed by the room');
    }

    // What the bridge was told: each participant's own transport and sources.
    const dump = stack.bridge.dump() as {
      endpoints: {
        id: string;
        sources: { audio: { sources: { ssrc: number }[] } };
        remoteTransport?: { ufrag: string };
      }[];
    }[];
    assert.equal(dump.length, 1);
    assert.deepEqual(dump[0].endpoints.map((e) => e.id).sort(), [a, b, c].map((p) => p.endpointId).sort());
    for (const p of [a, b, c]) {
      const ep = dump[0].endpoints.find((e) => e.id === p.endpointId)!;
      assert.equal(ep.remoteTransport?.ufrag, p.clientTransport().ufrag);
      assert.equal(ep.sources.audio.sources[0].ssrc, p.own.audio[0].ssrc);
    }
  });

  test('the first participant is moderator, and mute in presence reaches the others', async () => {
    const [a, b] = [await stack.participant('First'), await stack.participant('Second')];
    await a.join('moderated');
    await a.accept();
    await b.join('moderated');
    await b.accept();
    await b.waitFor('first participant shown as moderator', () => {
      const p = latestPresence(b, a);
      return p && parseParticipantPresence(p).role === 'moderator';
    });
    assert.equal(parseParticipantPresence(latestPresence(a, b)!).role, 'participant');

    b.setPresence({ audioMuted: true, videoMuted: false });
    const seen = await a.waitFor('mute of the second', () => {
      const p = latestPresence(a, b);
      return p && parseParticipantPresence(p).audioMuted === true ? parseParticipantPresence(p) : undefined;
    });
    assert.equal(seen.videoMuted, false);
    assert.equal(seen.nick, 'Second');

    // The moderator asks the focus to mute the second; the second may not mute the moderator.
    const muteIq = (target: string, value = 'true') =>
      xml(
        'iq',
        { type: 'set', to: stack.focusJid },
        xml('mute', { xmlns: 'http://jitsi.org/jitmeet/audio', jid: occupantJid(a.room!, target) }, value),
      );
    await a.request(muteIq(b.endpointId));
    await b.waitFor('the mute request', () => b.muteRequests.length > 0);
    assert.deepEqual(b.muteRequests[0], { from: b.focusOccupant, value: 'true' });
    await expectStanzaError(b.request(muteIq(a.endpointId)), 'forbidden', /only a moderator/);
    await expectStanzaError(a.request(muteIq(b.endpointId, 'false')), 'not-allowed', /nobody can unmute/);
    assert.equal(a.muteRequests.length, 0);
  });

  test('two rooms stay separate', async () => {
    const [x1, x2, y1] = [await stack.participant(), await stack.participant(), await stack.participant()];
    for (const [p, room] of [
      [x1, 'room-x'],
      [x2, 'room-x'],
      [y1, 'room-y'],
    ] as const) {
      await p.join(room);
      await p.accept();
    }
    await x1.waitFor('x2 sources', () => ssrcsOf(x2.own).every((s) => x1.knownRemoteSsrcs().has(s)));
    assert.deepEqual([...y1.knownRemoteSsrcs()], [], 'room-y hears nothing of room-x');
    assert.ok(!x1.knownRemoteSsrcs().has(y1.own.audio[0].ssrc));
    const rooms = [...stack.focus.manager.conferences.keys()];
    assert.ok(rooms.includes(`room-x@${stack.mucDomain}`) && rooms.includes(`room-y@${stack.mucDomain}`));
  });

  test('bad requests get errors that name the problem, and the conference goes on', async () => {
    const [a, b] = [await stack.participant('A'), await stack.participant('B')];
    await a.join('sturdy');
    await a.accept();

    await expectStanzaError(
      b.request(
        xml('iq', { type: 'set', to: stack.focusJid }, xml('conference', { xmlns: 'http://jitsi.org/protocol/focus' })),
      ),
      'bad-request',
      /room/,
    );
    await expectStanzaError(
      b.request(
        xml(
          'iq',
          { type: 'set', to: stack.focusJid },
          xml('conference', { xmlns: 'http://jitsi.org/protocol/focus', room: 'x@conference.elsewhere.example' }),
        ),
      ),
      'not-acceptable',
      /not on this deployment/,
    );
    await expectStanzaError(
      b.request(xml('iq', { type: 'get', to: stack.focusJid }, xml('query', { xmlns: 'urn:example:nothing' }))),
      'service-unavailable',
      /does not answer/,
    );

    // B joins, then tries to act in A's session.
    await b.join('sturdy');
    await b.sessionInitiate();
    const aSid = a.sid!;
    const hijack = {
      action: 'source-add' as const,
      sid: aSid,
      contents: [
        {
          name: 'audio',
          creator: 'initiator' as const,
          senders: 'both' as const,
          description: {
            media: 'audio' as const,
            payloadTypes: [],
            headerExtensions: [],
            sources: [{ ssrc: 4242, name: `${a.endpointId}-a1`, owner: a.endpointId }],
            sourceGroups: [],
            rtcpMux: false,
          },
        },
      ],
    };
    await expectStanzaError(b.sendJingle(hijack), 'forbidden', /belongs to another participant/);
    // The same through the component JID (the path Parley's older clients use).
    await expectStanzaError(b.sendJingle(hijack, stack.focusJid), 'forbidden', /belongs to another participant/);
    await expectStanzaError(
      b.sendJingle({ ...hijack, sid: 'no-such-session' }),
      'item-not-found',
      /unknown Jingle session/,
    );
    // A source claimed for someone else inside one's own session is refused too.
    await expectStanzaError(
      b.sendJingle({ ...hijack, action: 'session-accept', sid: b.sid! }),
      'bad-request',
      /owned by/,
    );
    // Malformed Jingle (no action) names what is wrong.
    await expectStanzaError(
      b.request(
        xml('iq', { type: 'set', to: stack.focusJid }, xml('jingle', { xmlns: 'urn:xmpp:jingle:1', sid: b.sid! })),
      ),
      'bad-request',
      /action/,
    );

    // A presence the focus cannot read (SourceInfo that is not JSON) is dropped and counted; the room goes on.
    b.xmpp.send(
      xml('presence', { to: occupantJid(b.room!, b.endpointId) }, xml('SourceInfo', {}, '{not json')) as never,
    );

    await b.accept();
    await a.waitFor('B sources after the bad requests', () => ssrcsOf(b.own).every((s) => a.knownRemoteSsrcs().has(s)));
    assert.ok(!a.knownRemoteSsrcs().has(4242));
    const metrics = await (await fetch(`http://127.0.0.1:${stack.focus.httpPort}/metrics`)).text();
    assert.match(metrics, /parley_focus_errors_total\{[^}]*kind="bad_presence"[^}]*\} [1-9]/);
    assert.ok(
      stack.logs.some((l) => l.includes('presence.malformed') && l.includes('SourceInfo')),
      'the log names what was wrong',
    );
  });

  test('a client that vanishes is removed, and the last one out ends the conference', async () => {
    const [a, b] = [await stack.participant(), await stack.participant()];
    await a.join('vanishing');
    await a.accept();
    await b.join('vanishing');
    await b.accept();
    await a.waitFor('b sources', () => ssrcsOf(b.own).every((s) => a.knownRemoteSsrcs().has(s)));
    // Drop the TCP connection without a goodbye.
    (b.xmpp as unknown as { socket: { destroy(): void } }).socket.destroy();
    await a.waitFor(
      'source-remove after b vanished',
      () => !ssrcsOf(b.own).some((s) => a.knownRemoteSsrcs().has(s)),
      15_000,
    );

    const room = `vanishing@${stack.mucDomain}`;
    const meetingId = stack.focus.manager.conferences.get(room)!.meetingId;
    assert.ok(stack.bridge.conferences.has(meetingId));
    await a.disconnect();
    await a.waitFor('conference ended', () => !stack.focus.manager.conferences.has(room));
    assert.ok(!stack.bridge.conferences.has(meetingId), 'the bridge conference is expired');
  });

  test('health and metrics report conferences and participants', async () => {
    const health = await fetch(`http://127.0.0.1:${stack.focus.httpPort}/health`);
    assert.equal(health.status, 200);
    const metrics = await (await fetch(`http://127.0.0.1:${stack.focus.httpPort}/metrics`)).text();
    const conferences = Number(/^parley_focus_conferences\{[^}]*\} (\d+)/m.exec(metrics)?.[1]);
    assert.equal(conferences, stack.focus.manager.conferences.size);
    assert.match(metrics, /parley_focus_errors_total\{[^}]*kind="forbidden"[^}]*\} [1-9]/);
    stack.bridge.healthy = false;
    assert.equal((await fetch(`http://127.0.0.1:${stack.focus.httpPort}/health`)).status, 503);
    stack.bridge.healthy = true;
  });
});
