// The focus's process killed with -9 and started again (signaling only, in-memory bridge): the
// room is not lost, nobody in it leaves, the new focus takes it over and invites everyone anew, and
// a newcomer still gets in. tests/media/focus-restart.test.ts checks the same with real media.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ssrcsOf, startStack, type Stack, type TestParticipant } from './harness.js';
import { FocusProcess } from './focus-process.js';

let stack: Stack;
let focus: FocusProcess | undefined;
before(async () => {
  stack = await startStack();
  await stack.focus.close(); // this test's focus runs in a process of its own
});
after(async () => {
  await focus?.kill();
  await stack?.close();
});

/** The sources a participant was told of in one Jingle session (its offer plus source-adds). */
function knownIn(p: TestParticipant, sid: string): Set<number> {
  return new Set(
    p.jingles
      .filter((j) => j.jingle.sid === sid && ['session-initiate', 'source-add'].includes(j.jingle.action))
      .flatMap((j) => j.jingle.contents.flatMap((c) => c.description?.sources.map((s) => s.ssrc) ?? [])),
  );
}

const offers = (p: TestParticipant) => p.jingles.filter((j) => j.jingle.action === 'session-initiate');

test('the focus process killed and started again takes its rooms over: everyone re-invited, nobody leaves', async () => {
  focus = new FocusProcess(stack, 'fake');
  await focus.ready();
  const [a, b] = [await stack.participant('A'), await stack.participant('B')];
  for (const p of [a, b]) {
    await p.join('adopted');
    await p.accept();
  }
  await a.waitFor("B's sources", () => a.jingles.some((j) => j.jingle.action === 'source-add'));
  const seen = a.presences.length;

  await focus.kill();
  focus = new FocusProcess(stack, 'fake');
  for (const p of [a, b]) await p.waitFor('a second session-initiate', () => offers(p).length === 2, 30_000);
  const [first, second] = offers(b).map((o) => o.jingle);
  assert.notEqual(second.sid, first.sid, 'a new session');
  assert.equal(offers(b)[1].from, `adopted@${stack.mucDomain}/focus`, 'offered by the focus occupant');
  for (const p of [a, b]) await p.accept();
  // In the new sessions each is told the other's sources again (in the offer or by source-add).
  for (const [rx, tx] of [
    [a, b],
    [b, a],
  ] as const) {
    const sid = offers(rx)[1].jingle.sid;
    await rx.waitFor(`${tx.name}'s sources in ${rx.name}'s new session`, () =>
      ssrcsOf(tx.own).every((ssrc) => knownIn(rx, sid).has(ssrc)),
    );
  }

  const gone = a.presences.slice(seen).filter((p) => p.attrs.type === 'unavailable');
  assert.deepEqual(
    [...new Set(gone.map((p) => String(p.attrs.from).split('/')[1]))],
    ['focus'],
    'only the dead focus occupant left the room',
  );
  assert.ok(focus.logged('conference.adopting'), 'the new focus says it took the room over');

  const c = await stack.participant('C');
  await c.join('adopted');
  const offer = await c.sessionInitiate();
  await c.accept();
  for (const tx of [a, b])
    await c.waitFor(`${tx.name}'s sources`, () => ssrcsOf(tx.own).every((s) => knownIn(c, offer.sid).has(s)));
});
