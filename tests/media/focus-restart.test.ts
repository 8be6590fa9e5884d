// The focus's process killed with -9 in a live conference with real media, then started again: the
// room is not lost (nobody leaves it), the new focus takes it over, re-invites everyone, ends its
// predecessor's bridge conference, and media flows again; a newcomer gets in. Prints the recovery time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitUntil, type Stack } from '../integration/harness.js';
import { FocusProcess } from '../integration/focus-process.js';
import { HeadlessCrowd, type HeadlessEndpoint } from './headless-endpoint.js';

let stack: Stack;
let crowd: HeadlessCrowd;
let focus: FocusProcess | undefined;
before(async () => {
  crowd = await HeadlessCrowd.start();
  stack = await startStack({ realBridge: true });
  await stack.focus.close(); // the focus of this test runs in a process of its own
});
after(async () => {
  await focus?.kill();
  await crowd?.close();
  await stack?.close();
});

/** Sends a burst from `tx` and waits until `rx` has all of it: media flows from tx to rx now. */
async function flows(tx: HeadlessEndpoint, rx: HeadlessEndpoint, firstIndex: number): Promise<void> {
  const ssrc = tx.ssrc('video');
  await waitUntil(
    `${rx.endpointId} knows ${tx.endpointId}'s video`,
    () => rx.remote!.remoteSourceNames().length >= 2,
    15_000,
  );
  await rx.negotiated();
  await tx.send('video', 20, { firstIndex, intervalMs: 5 });
  await waitUntil(
    `${rx.endpointId} receives ${tx.endpointId}'s video (ssrc ${ssrc}, from packet ${firstIndex})`,
    () => [...(rx.stream(ssrc)?.indexes ?? [])].filter((i) => i >= firstIndex).length >= 20,
    15_000,
  );
}

test('the focus process killed and started again: the room goes on, everyone re-invited, media back', async () => {
  focus = new FocusProcess(stack, 'colibri2');
  await focus.ready();
  const join = (name: string) => crowd.join(stack, 'restart', name, 15_000);
  const [a, b] = [await join('A'), await join('B')];
  await flows(a, b, 0);
  await flows(b, a, 0);
  const bridge = stack.sfu!.bridge;
  const [before] = [...bridge.conferences.keys()];
  const presencesBefore = a.participant.presences.length;

  await focus.kill();
  const killed = Date.now();
  focus = new FocusProcess(stack, 'colibri2');
  await waitUntil('both re-invited', () => a.sessions === 2 && b.sessions === 2, 40_000);
  await Promise.all([a.connected(15_000), b.connected(15_000)]);
  await flows(a, b, 1000);
  await flows(b, a, 1000);
  const recovered = Date.now() - killed;
  console.log(`media back ${recovered} ms after the focus process was killed and started again`);

  // Nobody left the room: the only unavailable presences are the dead focus's occupant.
  const left = a.participant.presences
    .slice(presencesBefore)
    .filter((p) => p.attrs.type === 'unavailable')
    .map((p) => String(p.attrs.from).split('/')[1]);
  assert.deepEqual([...new Set(left)], ['focus'], `occupants that left: ${left.join(', ')}`);
  // One conference on the bridge, the room's: the predecessor's endpoints are gone with it.
  await waitUntil('the old bridge conference is replaced', () => bridge.conferences.size === 1, 10_000);
  const [after] = [...bridge.conferences.keys()];
  assert.equal(after, before, 'the room keeps its meeting id on the bridge');
  assert.deepEqual([...bridge.conferences.get(after)!.endpoints.keys()].sort(), [a.endpointId, b.endpointId].sort());
  assert.ok(focus.logged('conference.adopting'), 'the new focus says it took the room over');

  // The conference works as before: a newcomer is invited and sees both.
  const c = await join('C');
  await flows(a, c, 2000);
  await flows(c, b, 0);
});
