// Webhooks from the real focus with a real Prosody: a local receiver (loopback) checks every
// request's signature and sees a meeting's life in order; a receiver that never answers does not
// hold a meeting up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookProblem, type MeetingEvent } from '@parley/focus';
import { startStack, waitUntil, ssrcsOf } from './harness.js';

const SECRET = 'integration-webhook-secret-0123';

async function receiver(hang = false) {
  const got: { event: MeetingEvent; problem?: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const signature = String(req.headers['x-parley-signature']);
      const timestamp = String(req.headers['x-parley-timestamp']);
      got.push({ event: JSON.parse(body), problem: webhookProblem(SECRET, { signature, timestamp }, body) });
      if (!hang) res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/parley-events`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test("a meeting's life reaches the webhook in order, every request signed", async () => {
  const hook = await receiver();
  const stack = await startStack({ focus: { webhookUrls: [hook.url], webhookSecret: SECRET } });
  try {
    const [a, b] = [await stack.participant('Alice'), await stack.participant('Bob')];
    await a.join('hooked');
    await a.accept();
    await b.join('hooked');
    await b.accept();
    await a.disconnect();
    await b.disconnect();
    await waitUntil('room.ended reached the receiver', () => hook.got.some((g) => g.event.event === 'room.ended'));
    const room = `hooked@${stack.mucDomain}`;
    const events = hook.got.filter((g) => g.event.room === room);
    assert.deepEqual(
      events.map((g) => [g.event.event, g.event.participant?.id ?? '']),
      [
        ['room.created', ''],
        ['participant.joined', a.endpointId],
        ['participant.joined', b.endpointId],
        ['participant.left', a.endpointId],
        ['participant.left', b.endpointId],
        ['room.ended', ''],
      ],
    );
    assert.deepEqual(
      events.map((g) => g.problem),
      events.map(() => undefined),
      'every signature verifies',
    );
    assert.deepEqual(
      events.filter((g) => g.event.event === 'participant.joined').map((g) => g.event.participant?.name),
      ['Alice', 'Bob'],
      'display names',
    );
    assert.equal(new Set(events.map((g) => g.event.meetingId)).size, 1, 'one meeting id throughout');
    assert.ok(events.at(-1)!.event.durationMs! > 0, 'room.ended says how long it ran');
  } finally {
    await stack.close();
    await hook.close();
  }
});

test('a webhook receiver that never answers does not hold the meeting up', async () => {
  const hook = await receiver(true);
  const stack = await startStack({ focus: { webhookUrls: [hook.url], webhookSecret: SECRET } });
  try {
    const [a, b] = [await stack.participant('A'), await stack.participant('B')];
    await a.join('stuck-hook');
    await a.accept();
    await b.join('stuck-hook');
    await b.accept();
    await b.waitForRemoteSsrcs("B is offered A's sources while every webhook request hangs", ssrcsOf(a.own));
    assert.ok(hook.got.length >= 3, 'the requests did go out');
    await a.disconnect();
    await b.disconnect();
  } finally {
    await stack.close();
    await hook.close();
  }
});
