// ICE restart through the real Prosody and focus, scripted clients, in-memory bridge: a client that
// reports ICE failed gets the bridge's new credentials in a transport-replace and stays in the room;
// when the bridge refuses, it is re-invited instead; unsolicited requests get Jingle errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { occupantJid, type Jingle } from '@parley/protocol';
import type { FakeEndpoint } from '@parley/focus';
import { expectStanzaError, ssrcsOf, startStack, type Stack, type TestParticipant } from './harness.js';

const iceFailed = (sid: string): Jingle => ({ action: 'session-info', sid, contents: [], iceState: 'failed' });

function transportAccept(p: TestParticipant, replace: Jingle, ufrag: string): Jingle {
  return {
    action: 'transport-accept',
    sid: replace.sid,
    contents: replace.contents.map((c) => ({
      name: c.name,
      creator: c.creator,
      senders: c.senders,
      transport: { ...p.clientTransport(), ufrag },
    })),
  };
}

/** Whether `viewer` ever saw `of` leave the room (an unavailable presence). */
const sawLeave = (viewer: TestParticipant, of: TestParticipant) =>
  viewer.presences.some(
    (s) => s.attrs.from === occupantJid(viewer.room!, of.endpointId) && s.attrs.type === 'unavailable',
  );

describe('ICE restart signaling', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  const endpointOf = (p: TestParticipant): FakeEndpoint | undefined =>
    [...stack.bridge.conferences.values()].map((c) => c.endpoints.get(p.endpointId)).find(Boolean);

  async function meeting(room: string): Promise<[TestParticipant, TestParticipant]> {
    const [a, b] = [await stack.participant('A'), await stack.participant('B')];
    for (const p of [a, b]) {
      await p.join(room);
      await p.accept();
    }
    await a.waitForRemoteSsrcs("A knows B's sources", ssrcsOf(b.own));
    await b.waitForRemoteSsrcs("B knows A's sources", ssrcsOf(a.own));
    return [a, b];
  }

  test('ice-state failed: transport-replace with new credentials, transport-accept to the bridge, nobody leaves', async () => {
    const [a, b] = await meeting('restart');
    const before = endpointOf(a)!.local.ufrag;
    const jinglesOfB = b.jingles.length;
    await a.sendJingle(iceFailed(a.sid!));
    const replace = (
      await a.waitFor('transport-replace', () => a.jingles.find((j) => j.jingle.action === 'transport-replace'))
    ).jingle;
    assert.equal(replace.sid, a.sid);
    const t = replace.contents[0]?.transport;
    assert.equal(t?.ufrag, endpointOf(a)!.local.ufrag);
    assert.notEqual(t?.ufrag, before, 'new ICE credentials');
    assert.deepEqual(
      replace.contents.map((c) => c.name),
      ['audio', 'video', 'data'],
    );
    // A whole offer, as jicofo's: it names what A receives now (lib-jitsi-meet rebuilds from it).
    const named = replace.contents.flatMap((c) => c.description?.sources.map((s) => s.ssrc) ?? []);
    assert.deepEqual(
      named.sort((x, y) => x - y),
      ssrcsOf(b.own).sort((x, y) => x - y),
    );
    await a.sendJingle(transportAccept(a, replace, 'clnew1'));
    assert.equal(endpointOf(a)!.remoteTransport?.ufrag, 'clnew1', "the client's new credentials reached the bridge");
    assert.equal(endpointOf(a)!.iceRestarts, 1);
    // Nothing changed for B: no leave, no source change.
    assert.ok(!sawLeave(b, a), 'B never saw A leave');
    assert.equal(b.jingles.length, jinglesOfB, 'B got no Jingle at all');
    assert.ok(!a.jingles.some((j) => j.jingle.action === 'session-terminate'));
    // A transport-accept nobody asked for is refused, naming the problem.
    await expectStanzaError(a.sendJingle(transportAccept(a, replace, 'x')), 'unexpected-request', /transport-replace/);
    // So is an ice-state that is no RTCIceConnectionState.
    const bad = iceFailed(a.sid!);
    await expectStanzaError(a.sendJingle({ ...bad, iceState: 'melted' as never }), 'bad-request', /ice-state/);
    for (const p of [a, b]) await p.disconnect();
  });

  test('a bridge that refuses the restart: the participant is re-invited, still without leaving the room', async () => {
    const [a, b] = await meeting('fallback');
    stack.bridge.refuseIceRestart = 'restart not possible';
    try {
      const oldSid = a.sid!;
      await a.sendJingle(iceFailed(oldSid));
      const terminate = await a.waitFor('session-terminate', () =>
        a.jingles.find((j) => j.jingle.action === 'session-terminate'),
      );
      assert.equal(terminate.jingle.reason?.condition, 'connectivity-error');
      await a.waitFor('a new session-initiate', () => a.sid !== oldSid);
      await b.waitFor("B told A's sources are gone", () => !ssrcsOf(a.own).some((s) => b.knownRemoteSsrcs().has(s)));
      await a.accept();
      await b.waitForRemoteSsrcs("B knows A's sources again", ssrcsOf(a.own));
      assert.ok(!sawLeave(b, a), 'B never saw A leave the room');
    } finally {
      stack.bridge.refuseIceRestart = undefined;
    }
    for (const p of [a, b]) await p.disconnect();
  });
});
