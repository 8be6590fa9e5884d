// The webhook sender against a real HTTP receiver on loopback: signatures a receiver can check,
// retries with backoff, a receiver that never answers, and bad settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@parley/service';
import { signWebhook, webhookProblem, WebhookSender, type MeetingEvent } from './webhooks.js';

const SECRET = 'webhook-test-secret-0123456789';
const log = createLogger('focus', { level: 'error' });

interface Received {
  event: MeetingEvent;
  problem?: string;
  headers: IncomingMessage['headers'];
}

/** A receiver that checks each request's signature; `answer` decides the status per request number. */
async function receiver(answer: (n: number) => number | 'hang' = () => 204) {
  const got: Received[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const headers = req.headers;
      const problem = webhookProblem(
        SECRET,
        { signature: String(headers['x-parley-signature']), timestamp: String(headers['x-parley-timestamp']) },
        body,
      );
      got.push({ event: JSON.parse(body), problem, headers });
      const a = answer(++n);
      if (a === 'hang') return; // never answers
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    got,
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('each event reaches every URL once, signed: the receiver verifies the signature and the time', async () => {
  const [a, b] = [await receiver(), await receiver()];
  const sender = new WebhookSender({ urls: [a.url, b.url], secret: SECRET, log });
  try {
    sender.emit({ event: 'room.created', room: 'r@conference.x', meetingId: 'm1' });
    sender.emit({ event: 'participant.joined', room: 'r@conference.x', meetingId: 'm1', participant: { id: 'ab12' } });
    assert.ok(await sender.drained(5000));
    for (const r of [a, b]) {
      assert.deepEqual(
        r.got.map((g) => g.event.event),
        ['room.created', 'participant.joined'],
      );
      for (const g of r.got) {
        assert.equal(g.problem, undefined);
        assert.equal(g.headers['x-parley-event'], g.event.event);
        assert.equal(g.headers['x-parley-delivery'], g.event.id);
      }
      assert.equal(r.got[1].event.participant?.id, 'ab12');
    }
    assert.equal(a.got[0].event.id, b.got[0].event.id, 'one event, one id at every URL');
    assert.equal(sender.counts.delivered, 4);
  } finally {
    sender.close();
    await a.close();
    await b.close();
  }
});

test('a receiver checks: a changed body, another secret, an old timestamp are each refused by name', () => {
  const body = '{"event":"room.created"}';
  const now = 1_800_000_000;
  const good = { signature: signWebhook(SECRET, now, body), timestamp: String(now) };
  assert.equal(webhookProblem(SECRET, good, body, 300, now), undefined);
  assert.match(webhookProblem(SECRET, good, body.replace('created', 'ended'), 300, now)!, /does not match/);
  assert.match(webhookProblem('another-secret-0123456789', good, body, 300, now)!, /does not match/);
  assert.match(webhookProblem(SECRET, good, body, 300, now + 301)!, /more than 300 s/);
  assert.match(webhookProblem(SECRET, { signature: good.signature }, body, 300, now)!, /x-parley-timestamp/);
  assert.match(webhookProblem(SECRET, { timestamp: good.timestamp }, body, 300, now)!, /no x-parley-signature/);
});

test('failures are retried with growing delays, the same delivery id each time, until a 2xx', async () => {
  const r = await receiver((n) => (n <= 2 ? 503 : 200));
  const sender = new WebhookSender({ urls: [r.url], secret: SECRET, log, firstDelayMs: 50 });
  try {
    sender.emit({ event: 'room.ended', room: 'r@conference.x', meetingId: 'm2', durationMs: 1234 });
    assert.ok(await sender.drained(5000));
    assert.equal(r.got.length, 3);
    assert.equal(new Set(r.got.map((g) => g.event.id)).size, 1, 'one delivery id across retries');
    assert.ok(
      r.got.every((g) => g.problem === undefined),
      'every retry is signed anew',
    );
    assert.deepEqual(sender.counts, { delivered: 1, failedAttempts: 2, givenUp: 0 });
  } finally {
    sender.close();
    await r.close();
  }
});

test('a receiver that never answers costs the caller nothing and is given up after its tries', async () => {
  const r = await receiver(() => 'hang');
  const sender = new WebhookSender({
    urls: [r.url],
    secret: SECRET,
    log,
    attempts: 2,
    firstDelayMs: 20,
    timeoutMs: 200,
  });
  try {
    // emit is synchronous: nothing for a caller (a conference's queue) to wait on.
    for (let i = 0; i < 50; i++)
      assert.equal(sender.emit({ event: 'participant.left', room: 'r@conference.x', meetingId: 'm3' }), undefined);
    await until('every delivery given up', () => sender.counts.givenUp === 50, 10_000);
    assert.equal(sender.counts.delivered, 0);
  } finally {
    sender.close();
    await r.close();
  }
});

test('nothing listening: connection refused is retried, then given up', async () => {
  const r = await receiver();
  const url = r.url;
  await r.close(); // the port is free now: connections are refused
  const sender = new WebhookSender({ urls: [url], secret: SECRET, log, attempts: 3, firstDelayMs: 10 });
  try {
    sender.emit({ event: 'room.created', room: 'r@conference.x', meetingId: 'm4' });
    await until('given up', () => sender.counts.givenUp === 1);
    assert.equal(sender.counts.failedAttempts, 3);
  } finally {
    sender.close();
  }
});

test('too many pending: the oldest are dropped and counted, memory stays bounded', async () => {
  const r = await receiver(() => 'hang');
  const sender = new WebhookSender({ urls: [r.url], secret: SECRET, log, maxPending: 5, timeoutMs: 5000 });
  try {
    for (let i = 0; i < 12; i++) sender.emit({ event: 'participant.joined', room: 'r@conference.x', meetingId: 'm5' });
    assert.equal(sender.counts.givenUp, 7);
  } finally {
    sender.close();
    await r.close();
  }
});

test('bad settings are refused by name', () => {
  assert.throws(() => new WebhookSender({ urls: ['not a url'], secret: SECRET, log }), /Invalid URL/);
  assert.throws(() => new WebhookSender({ urls: ['ftp://127.0.0.1/x'], secret: SECRET, log }), /is not http\(s\)/);
  assert.throws(() => new WebhookSender({ urls: ['http://127.0.0.1/x'], secret: 'short', log }), /shorter than 16/);
  // No URLs: no secret needed, and emitting does nothing.
  const none = new WebhookSender({ urls: [], secret: '', log });
  none.emit({ event: 'room.created', room: 'r@conference.x', meetingId: 'm6' });
  assert.deepEqual(none.counts, { delivered: 0, failedAttempts: 0, givenUp: 0 });
});
