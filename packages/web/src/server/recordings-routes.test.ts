// The recordings page's API on a real HTTP server on loopback: only the admin token opens it (a
// guest without it, or with a wrong one, is refused), paths never leave the recordings folder
// (encoded "..", symlinks), a recording in progress cannot be deleted.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import { recordingsRouter } from './recordings-routes.js';

const TOKEN = 'operator-token-0123456789';
const DONE = '2026-12-01T10-00-00Z';
const LIVE = '2026-12-05T09-00-00Z';
let root: string;
let outside: string;
let server: Server;
let base: string;

function recording(id: string, manifest: object, files: Record<string, string>): void {
  const dir = join(root, 'standup', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'parley-recs-'));
  outside = mkdtempSync(join(tmpdir(), 'parley-secret-'));
  writeFileSync(join(outside, 'secret.json'), '{"secret":true}');
  recording(
    DONE,
    {
      startedAt: '2026-12-01T10:00:00.000Z',
      stoppedAt: '2026-12-01T10:02:05.000Z',
      stopReason: 'requested',
      participants: [
        { endpointId: 'aaaa0001', displayName: 'Ann' },
        { endpointId: 'bbbb0002', displayName: 'Bob' },
      ],
    },
    { 'aaaa0001.webm': 'A'.repeat(2000), 'composed.mp4': 'M'.repeat(5000) },
  );
  recording(LIVE, { startedAt: '2026-12-05T09:00:00.000Z', participants: [] }, { 'cccc0003.webm': 'C' });
  // A symlink planted in the folder must not lead out of it.
  symlinkSync(join(outside, 'secret.json'), join(root, 'standup', DONE, 'leak.json'));
  symlinkSync(outside, join(root, 'standup', '2026-12-02T10-00-00Z'));
  const app = express();
  app.use(recordingsRouter({ dir: root, adminToken: TOKEN }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => {
  server?.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const asOperator = { Authorization: `Bearer ${TOKEN}` };
const get = (path: string, headers: Record<string, string> = asOperator) => fetch(base + path, { headers });

test('a guest without the token, or with a wrong one, is refused; the page itself holds no data', async () => {
  const none = await get('/recordings-api/standup', {});
  assert.equal(none.status, 401);
  assert.match(((await none.json()) as { error: string }).error, /admin token/);
  assert.equal((await get('/recordings-api/standup', { Authorization: 'Bearer guess' })).status, 403);
  assert.equal((await get(`/recordings-api/standup/${DONE}/composed.mp4`, {})).status, 401);
  const del = await fetch(`${base}/recordings-api/standup/${DONE}`, { method: 'DELETE' });
  assert.equal(del.status, 401);
  assert.ok(existsSync(join(root, 'standup', DONE)), 'nothing was deleted');
  const page = await get('/recordings/standup', {});
  assert.equal(page.status, 200);
  assert.doesNotMatch(await page.text(), /Ann|composed/);
});

test('the operator lists the room: time, duration, size, participants, files; in progress marked', async () => {
  const res = await get('/recordings-api/standup');
  assert.equal(res.status, 200);
  const body = (await res.json()) as { recordings: { id: string; [k: string]: unknown }[] };
  assert.deepEqual(
    body.recordings.map((r) => r.id),
    [LIVE, DONE],
    'newest first; the symlinked folder is not listed',
  );
  const done = body.recordings[1];
  assert.equal(done.durationSeconds, 125);
  assert.deepEqual(done.participants, ['Ann', 'Bob']);
  assert.equal(done.inProgress, false);
  assert.ok((done.bytes as number) >= 7000);
  assert.equal(body.recordings[0].inProgress, true);
});

test('the operator downloads a file as it is on disk', async () => {
  const res = await get(`/recordings-api/standup/${DONE}/composed.mp4`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'M'.repeat(5000));
  assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
});

test('paths that leave the recordings folder are refused, encoded or through symlinks', async () => {
  for (const path of [
    `/recordings-api/standup/${DONE}/..%2F..%2F..%2Fetc%2Fpasswd`,
    `/recordings-api/..%2F..%2Fetc/${DONE}/passwd.json`,
    `/recordings-api/standup/..%2F${DONE}/composed.mp4`,
    `/recordings-api/standup/${DONE}/leak.json`,
    '/recordings-api/standup/2026-12-02T10-00-00Z/secret.json',
  ]) {
    const res = await get(path);
    assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
    assert.doesNotMatch(await res.text(), /secret|root:/);
  }
});

test('delete: a finished recording goes; one in progress is refused', async () => {
  const live = await fetch(`${base}/recordings-api/standup/${LIVE}`, { method: 'DELETE', headers: asOperator });
  assert.equal(live.status, 409);
  assert.ok(existsSync(join(root, 'standup', LIVE)));
  const done = await fetch(`${base}/recordings-api/standup/${DONE}`, { method: 'DELETE', headers: asOperator });
  assert.equal(done.status, 200);
  assert.ok(!existsSync(join(root, 'standup', DONE)));
  assert.ok(existsSync(join(outside, 'secret.json')), 'what the symlink pointed at is untouched');
});

test('without an admin token configured the page is off for everyone', async () => {
  const app = express();
  app.use(recordingsRouter({ dir: root }));
  const s = app.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  try {
    const port = (s.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/recordings-api/standup`, { headers: asOperator });
    assert.equal(res.status, 404);
  } finally {
    s.close();
  }
});
