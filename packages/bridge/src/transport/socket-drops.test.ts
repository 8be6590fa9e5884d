import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { dropsAtPort, udpSocketDrops } from './socket-drops.js';

// The kernel's format (net/ipv4/udp.c udp4_seq_show), one socket on 127.0.0.1:10000 with 17 drops,
// one on 0.0.0.0:57743 with none.
const UDP4 = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  '  118: 0100007F:2710 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 1677095 2 000000009888797a 17',
  ' 4111: 00000000:E18F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1677096 2 00000000aa88797a 0',
].join('\n');
const UDP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  '  12: 00000000000000000000000001000000:2710 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1677099 2 00000000bb88797a 5',
].join('\n');

test('drops are read from the socket bound to the port, in IPv4 and IPv6 tables', () => {
  assert.equal(dropsAtPort(UDP4, 10000), 17);
  assert.equal(dropsAtPort(UDP4, 57743), 0);
  assert.equal(dropsAtPort(UDP6, 10000), 5);
});

test('no socket on the port, or a table not in the kernel format: undefined, not a wrong number', () => {
  assert.equal(dropsAtPort(UDP4, 10001), undefined);
  assert.equal(dropsAtPort('garbage\nmore garbage', 10000), undefined);
  assert.equal(dropsAtPort('', 10000), undefined);
});

test('a live socket of this process is found in /proc', async () => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  try {
    assert.equal(udpSocketDrops(s.address().port), 0);
  } finally {
    s.close();
  }
});
