// Sources in lib-jitsi-meet's shape: its session-accept and source-add carry no <ssrc-info owner>
// (jicofo adds owners when it forwards sources). The focus takes them as the sender's own, forwards
// them with the owner filled in, and still refuses a source that names someone else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXml, xml, type Jingle } from '@parley/protocol';
import { expectStanzaError, startStack, type OwnSources, type Stack, type TestParticipant } from './harness.js';

/** The same sources as lib-jitsi-meet would announce them: no owner. */
const unowned = (s: OwnSources): OwnSources => ({
  ...s,
  audio: s.audio.map((x) => ({ ...x, owner: '' })),
  video: s.video.map((x) => ({ ...x, owner: '' })),
});

/** The owners the receiver was told for the given ssrcs (from session-initiate and source-add). */
function ownersSeenBy(receiver: TestParticipant, ssrcs: number[]): string[] {
  const owners = new Map<number, string>();
  for (const { jingle } of receiver.jingles) {
    if (jingle.action !== 'session-initiate' && jingle.action !== 'source-add') continue;
    for (const c of jingle.contents) for (const s of c.description?.sources ?? []) owners.set(s.ssrc, s.owner);
  }
  return ssrcs.map((s) => owners.get(s) ?? '(not announced)');
}

describe("lib-jitsi-meet's source shapes against the real focus", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  test('unowned sources belong to the sender and reach the others with their owner', async () => {
    const [jitsi, parley] = [await stack.participant('Jitsi'), await stack.participant('Parley')];
    await jitsi.join('shapes');
    await jitsi.accept(unowned(jitsi.own)); // refused today: 'owned by "", not by the sender'
    await parley.join('shapes');
    await parley.accept();
    const camera = [...jitsi.own.audio, ...jitsi.own.video].map((s) => s.ssrc);
    await parley.waitFor("the Jitsi client's sources", () => camera.every((s) => parley.knownRemoteSsrcs().has(s)));
    assert.deepEqual(
      new Set(ownersSeenBy(parley, camera)),
      new Set([jitsi.endpointId]),
      'every forwarded source names its sender as owner',
    );

    // A screen share added the lib-jitsi-meet way.
    const screen = [4_100_000_001, 4_100_000_002];
    const share: Jingle = {
      action: 'source-add',
      sid: jitsi.sid!,
      contents: [
        {
          name: 'video',
          creator: 'initiator',
          senders: 'both',
          description: {
            media: 'video',
            payloadTypes: [],
            headerExtensions: [],
            rtcpMux: false,
            sources: screen.map((ssrc) => ({ ssrc, name: `${jitsi.endpointId}-v1`, owner: '', videoType: 'desktop' })),
            sourceGroups: [{ semantics: 'FID', ssrcs: screen }],
          },
        },
      ],
    };
    await jitsi.sendJingle(share);
    await parley.waitFor('the screen share', () => screen.every((s) => parley.knownRemoteSsrcs().has(s)));
    assert.deepEqual(ownersSeenBy(parley, screen), [jitsi.endpointId, jitsi.endpointId]);

    // Naming another participant as owner is still refused, and names the problem.
    const forged = [4_100_000_003];
    await expectStanzaError(
      jitsi.sendJingle({
        ...share,
        contents: [
          {
            ...share.contents[0],
            description: {
              ...share.contents[0].description!,
              sources: forged.map((ssrc) => ({ ssrc, name: `${parley.endpointId}-v1`, owner: parley.endpointId })),
              sourceGroups: [],
            },
          },
        ],
      }),
      'bad-request',
      new RegExp(`owned by "${parley.endpointId}", not by the sender ${jitsi.endpointId}`),
    );
    assert.ok(!parley.knownRemoteSsrcs().has(forged[0]), 'the forged source never reaches the other participant');

    // lib-jitsi-meet's own source-remove and transport-info, exactly as captured (fixtures), with
    // this session's sid and the screen share's ssrcs: accepted, and the share leaves the others.
    const sent = (name: string) =>
      parseXml(
        readFileSync(new URL(`../../packages/focus/src/fixtures/${name}`, import.meta.url), 'utf8')
          .replace(/<!--[\s\S]*?-->/g, '')
          .replace(/sid="[^"]*"/, `sid="${jitsi.sid}"`)
          .replaceAll('a1b2c3d4', jitsi.endpointId)
          .replaceAll('1122334455', String(screen[0]))
          .replaceAll('2233445566', String(screen[1])),
      );
    await jitsi.request(xml('iq', { type: 'set', to: jitsi.focusOccupant }, sent('ljm-transport-info.xml')));
    await jitsi.request(xml('iq', { type: 'set', to: jitsi.focusOccupant }, sent('ljm-source-remove.xml')));
    await parley.waitFor('the screen share removed', () => screen.every((x) => !parley.knownRemoteSsrcs().has(x)));
    assert.ok(
      camera.every((x) => parley.knownRemoteSsrcs().has(x)),
      'the camera stays',
    );
  });
});
