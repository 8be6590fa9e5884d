import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeStack } from './supervision.js';

const url = 'http://127.0.0.1:8888/health';
const reply = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
const part = (name: string, state: string, restarts = 0) => ({ name, state, restarts });

test('every part up: ok, with the restart history', () => {
  const r = judgeStack(
    url,
    reply(200, { status: 'ok', down: [], stack: { parts: [part('prosody', 'up', 1), part('jvb-2', 'up')] } }),
  );
  assert.equal(r.status, 'ok');
  assert.equal(r.summary, 'every part is up: prosody, jvb-2 (prosody restarted 1x)');
});

test('a bridge process down while the other serves: warn "degraded", names it', () => {
  const r = judgeStack(
    url,
    reply(200, { status: 'degraded', down: ['jvb-2'], stack: { parts: [part('jvb-2', 'restarting', 2)] } }),
  );
  assert.equal(r.status, 'warn');
  assert.match(r.summary, /^degraded: jvb-2 down, being restarted/);
  assert.match(r.fix!, /supervisor\.restart_failed/);
});

test('Prosody down: fail', () => {
  const r = judgeStack(url, reply(503, { status: 'down', down: ['xmpp', 'prosody'] }));
  assert.equal(r.status, 'fail');
  assert.match(r.summary, /^down: xmpp, prosody; no new meeting/);
});

test('focus unreachable: a warning that points at the components check', () => {
  assert.equal(judgeStack(url, new Error('ECONNREFUSED')).status, 'warn');
});
