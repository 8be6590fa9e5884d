// The media port lends one buffer for packet after packet (MediaPort.lendSendBuffer). A burst of
// distinct packets must arrive intact, also when the kernel cannot take a datagram at once and dgram
// queues the send: node's --test-udp-no-try-send makes every send take that path, in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { PeerPath, PortLink } from './endpoint-transport.js';
import { openLoopbackPort, waitFor } from './test-helpers.js';

const BURST = 300;
const CHILD_ENV = 'PARLEY_SEND_BUFFER_CHILD';

/** Sends BURST packets (packet i: 1000 + i bytes, all = i & 0xff, first 2 bytes = i) and checks what arrives. */
async function burst(): Promise<{ intact: number; damaged: number; queued: number }> {
  const port = await openLoopbackPort();
  const sink = dgram.createSocket('udp4');
  const got = new Map<number, Buffer>();
  sink.on('message', (b) => got.set(b.readUInt16BE(0), b));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  sink.setRecvBufferSize(4 * 1024 * 1024);
  const link = (port as unknown as { link: PortLink }).link;
  const path: PeerPath = {
    key: `udp:127.0.0.1:${sink.address().port}`,
    kind: 'udp',
    ip: '127.0.0.1',
    port: sink.address().port,
  };
  try {
    for (let i = 0; i < BURST; i++) {
      const len = 1000 + i;
      const buf = link.lendSendBuffer(len);
      buf.fill(i & 0xff, 0, len);
      buf.writeUInt16BE(i, 0);
      link.sendTo(path, buf.subarray(0, len));
    }
    await waitFor(() => got.size === BURST, 20_000, `${BURST} datagrams at the sink (have ${got.size})`);
    let damaged = 0;
    for (const [i, b] of got) {
      const ok = b.length === 1000 + i && b.subarray(2).every((x) => x === (i & 0xff));
      if (!ok) damaged++;
    }
    return { intact: got.size - damaged, damaged, queued: port.counters['udp-send-queued'] ?? 0 };
  } finally {
    sink.close();
    await port.close();
  }
}

if (process.env[CHILD_ENV]) {
  burst().then(
    (r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
} else {
  test('a burst of packets built in the lent send buffer arrives intact', async () => {
    const r = await burst();
    assert.deepEqual({ intact: r.intact, damaged: r.damaged }, { intact: BURST, damaged: 0 });
  });

  test('sends that dgram has to queue keep their buffer: each queued send got a fresh one', () => {
    const child = spawnSync(
      process.execPath,
      ['--test-udp-no-try-send', '--import', 'tsx', fileURLToPath(import.meta.url)],
      { env: { ...process.env, [CHILD_ENV]: '1' }, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.status, 0, `child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    assert.deepEqual({ intact: r.intact, damaged: r.damaged }, { intact: BURST, damaged: 0 });
    assert.equal(r.queued, BURST, 'every send was queued (the path under test ran)');
  });
}
