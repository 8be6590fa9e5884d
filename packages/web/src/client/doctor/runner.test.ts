import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en } from '../i18n/en.js';
import {
  CHECK_IDS,
  FAIL_REASONS,
  SKIP_REASONS,
  boshCreateBody,
  boshSid,
  describeSelectedPair,
  doctorRoomName,
  keepCandidates,
  messageKeys,
  reportText,
  runChecks,
  summarize,
  type CheckDef,
  type CheckState,
  type CheckStatus,
} from './runner.js';

const ok = (id: CheckDef['id'], extra: Partial<CheckDef> = {}): CheckDef => ({
  id,
  run: async () => ({ status: 'ok' }),
  ...extra,
});

test('checks run one after another; the live list goes pending -> running -> result', async () => {
  const order: string[] = [];
  let running = 0;
  const slow = (id: CheckDef['id']): CheckDef => ({
    id,
    run: async () => {
      running++;
      assert.equal(running, 1, 'never two checks at once');
      order.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${id}`);
      running--;
      return { status: 'ok' };
    },
  });
  const snapshots: CheckStatus[][] = [];
  const final = await runChecks([slow('secure-context'), slow('devices'), slow('websocket')], (s) =>
    snapshots.push(s.map((x) => x.status)),
  );
  assert.deepEqual(order, [
    'start secure-context',
    'end secure-context',
    'start devices',
    'end devices',
    'start websocket',
    'end websocket',
  ]);
  assert.deepEqual(snapshots[0], ['pending', 'pending', 'pending']);
  assert.deepEqual(snapshots[1], ['running', 'pending', 'pending']);
  assert.deepEqual(snapshots[2], ['ok', 'pending', 'pending']);
  assert.deepEqual(snapshots.at(-1), ['ok', 'ok', 'ok']);
  assert.deepEqual(
    final.map((s) => s.status),
    ['ok', 'ok', 'ok'],
  );
  assert.ok(final.every((s) => typeof s.ms === 'number'));
});

test('a throwing check fails with its message; a check whose prerequisite failed is skipped; the rest still runs', async () => {
  const ran: string[] = [];
  const final = await runChecks(
    [
      ok('secure-context'),
      {
        id: 'websocket',
        run: async () => {
          ran.push('websocket');
          throw new Error('WebSocket closed 1006');
        },
      },
      {
        id: 'bosh',
        run: async () => {
          ran.push('bosh');
          return { status: 'fail', reason: 'unreachable', vars: { url: 'https://h/http-bind' } };
        },
      },
      {
        id: 'media-udp',
        needs: ['websocket'],
        run: async () => {
          ran.push('udp');
          return { status: 'ok' };
        },
      },
      { id: 'turn', run: async () => ({ status: 'skipped', reason: 'off' }) },
    ],
    () => {},
  );
  assert.deepEqual(ran, ['websocket', 'bosh']);
  assert.deepEqual(
    final.map((s) => s.status),
    ['ok', 'fail', 'fail', 'skipped', 'skipped'],
  );
  assert.equal(final[1].reason, 'unreachable');
  assert.equal(final[1].detail, 'WebSocket closed 1006');
  assert.equal(final[3].reason, 'needs');
  assert.deepEqual(final[3].vars, { checks: 'websocket' });
  assert.deepEqual(summarize(final), { done: true, problems: 2, ok: 1, skipped: 2 });
});

test('a check that never settles fails after the timeout', async () => {
  const final = await runChecks([{ id: 'media-tcp', run: () => new Promise(() => {}) }, ok('turn')], () => {}, {
    timeoutMs: 20,
  });
  assert.equal(final[0].status, 'fail');
  assert.equal(final[0].reason, 'blocked');
  assert.match(final[0].detail ?? '', /no result within 0.02 s/);
  assert.equal(final[1].status, 'ok');
});

test('summary: not done while a check is pending or running; everything works when nothing failed', () => {
  const s = (status: CheckStatus): CheckState => ({ id: 'devices', status });
  assert.equal(summarize([s('ok'), s('running')]).done, false);
  assert.equal(summarize([s('ok'), s('pending')]).done, false);
  assert.deepEqual(summarize([s('ok'), s('skipped')]), { done: true, problems: 0, ok: 1, skipped: 1 });
});

// zh-CN.ts is typed Record<MessageKey, string>: the compiler checks it has every English key.
test('every result has its words in English (and so in Chinese)', () => {
  const states: CheckState[] = [];
  for (const id of CHECK_IDS) {
    states.push({ id, status: 'ok' }, { id, status: 'skipped', reason: 'needs' }, { id, status: 'pending' });
    for (const reason of FAIL_REASONS[id]) states.push({ id, status: 'fail', reason });
    for (const reason of (SKIP_REASONS as Partial<Record<string, readonly string[]>>)[id] ?? [])
      states.push({ id, status: 'skipped', reason });
  }
  for (const s of states) {
    for (const key of Object.values(messageKeys(s))) {
      if (key === undefined) continue;
      assert.ok(key in en, `en.ts lacks ${key}`);
    }
  }
  for (const key of CHECK_IDS.flatMap((id) => [`doctor.status.ok`, `doctor.${id}.title`])) assert.ok(key in en, key);
});

test('the report lists every result with its fix and detail', () => {
  const text = reportText(
    [
      { id: 'secure-context', status: 'ok', ms: 3 },
      { id: 'media-udp', status: 'fail', reason: 'blocked', detail: 'ICE checking', ms: 10_000 },
    ],
    (s) => ({ title: s.id, text: `${s.id} text`, ...(s.status === 'fail' ? { fix: 'open UDP 10000' } : {}) }),
    { title: 'Parley check', summary: '1 problem', page: 'https://h/doctor', userAgent: 'UA', time: 'T' },
  );
  assert.match(text, /^Parley check\nT\npage: https:\/\/h\/doctor\nbrowser: UA\n/);
  assert.match(text, /\[OK\] secure-context \(0\.0 s\)\n {4}secure-context text\n/);
  assert.match(
    text,
    /\[FAIL\] media-udp \(10\.0 s\)\n {4}media-udp text\n {4}fix: open UDP 10000\n {4}detail: ICE checking\n/,
  );
  assert.match(text, /\n1 problem$/);
});

const OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2130706431 192.168.1.20 10000 typ host generation 0',
  'a=candidate:2 1 tcp 1694498815 192.168.1.20 4443 typ host tcptype passive generation 0',
  'a=candidate:3 1 UDP 2130706430 10.0.0.2 10000 typ host',
  'a=mid:audio',
  '',
].join('\r\n');

test('keepCandidates keeps the candidates of one transport only', () => {
  const udp = keepCandidates(OFFER, 'udp');
  assert.equal(udp.kept, 2);
  assert.deepEqual(udp.ports, [10000]);
  assert.doesNotMatch(udp.sdp, / tcp /);
  assert.match(udp.sdp, /a=mid:audio\r\n$/);
  const tcp = keepCandidates(OFFER, 'tcp');
  assert.equal(tcp.kept, 1);
  assert.deepEqual(tcp.ports, [4443]);
  assert.doesNotMatch(tcp.sdp, / udp /i);
  assert.equal(keepCandidates(OFFER, 'all').sdp, OFFER);
  assert.equal(keepCandidates(OFFER.replace(/a=candidate:2[^\r]*\r\n/, ''), 'tcp').kept, 0);
});

test('the selected candidate pair in words', () => {
  const stats = [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', state: 'succeeded', localCandidateId: 'L', remoteCandidateId: 'R' },
    { id: 'L', type: 'local-candidate', address: '192.168.1.5', port: 53012, protocol: 'udp', candidateType: 'host' },
    { id: 'R', type: 'remote-candidate', address: '192.168.1.20', port: 10000, protocol: 'udp', candidateType: 'host' },
  ];
  assert.equal(describeSelectedPair(stats), 'udp 192.168.1.5:53012 (host) -> 192.168.1.20:10000 (host)');
  const relay = [
    {
      id: 'P',
      type: 'candidate-pair',
      state: 'succeeded',
      nominated: true,
      localCandidateId: 'L',
      remoteCandidateId: 'R',
    },
    {
      id: 'L',
      type: 'local-candidate',
      address: '10.0.0.9',
      port: 40001,
      protocol: 'udp',
      candidateType: 'relay',
      relayProtocol: 'tls',
    },
    { id: 'R', type: 'remote-candidate', address: '10.0.0.1', port: 10000, protocol: 'udp', candidateType: 'host' },
  ];
  assert.equal(describeSelectedPair(relay), 'udp 10.0.0.9:40001 (relay, relay over tls) -> 10.0.0.1:10000 (host)');
  assert.equal(describeSelectedPair([{ id: 'T', type: 'transport' }]), undefined);
});

test('BOSH body and sid; throwaway room names', () => {
  assert.match(
    boshCreateBody('meet.lan', 1234),
    /^<body [^>]*rid="1234" to="meet.lan"[^>]*xmlns="http:\/\/jabber.org\/protocol\/httpbind"/,
  );
  assert.equal(boshSid(`<body xmlns='http://jabber.org/protocol/httpbind' sid='abc-1' wait='10'>`), 'abc-1');
  assert.equal(boshSid('<body type="terminate" condition="host-unknown"/>'), undefined);
  assert.match(doctorRoomName(), /^parley-doctor-[a-z0-9]{8}$/);
  assert.equal(
    doctorRoomName(() => 0),
    'parley-doctor-00000000',
  );
});
