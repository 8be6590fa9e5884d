// `parley doctor` check "media".
import { randomBytes } from 'node:crypto';
import { droppedCount, isLocalAddress, stunBindingRequest } from '../net.js';
import {
  type CheckResult,
  type DoctorContext,
  urlHost,
  bridgeUrl,
  localAddressList,
  fail,
  ok,
  warn,
} from '../context.js';
import { advertisedAddresses } from './advertise.js';

/** Sends STUN Binding requests with an unknown ufrag to each local advertised address and watches the bridge count them. */
export async function checkMediaPort(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const port = c.mediaPort;
  const fix = `open UDP ${port} in the firewall (\`ufw allow ${port}/udp\` or \`firewall-cmd --add-port=${port}/udp --permanent && firewall-cmd --reload\`), and ICE-TCP ${c.tcpPort} (\`ufw allow ${c.tcpPort}/tcp\`) for networks that block UDP`;
  const h = await ctx.bridgeHealth();
  if (typeof h === 'string')
    return fail(
      'media',
      `cannot test UDP ${port}: the bridge's ${bridgeUrl(c, '/health')} does not answer (${h})`,
      'start the bridge: restart `npm start` (see the components check)',
    );
  const mismatch =
    h.udpPort !== undefined && h.udpPort !== port
      ? ` (the running bridge says its media port is UDP ${h.udpPort}: give doctor --media-port ${h.udpPort}, or restart \`npm start\` with --media-port ${port})`
      : '';
  const list = await advertisedAddresses(ctx);
  const local = localAddressList(io);
  const targets = list.filter((a) => isLocalAddress(a.address, local)).map((a) => a.address);
  const skipped = list.filter((a) => !isLocalAddress(a.address, local)).map((a) => a.address);
  const skipNote = skipped.length ? `; not sent to ${skipped.join(', ')} (not local, see advertise)` : '';
  if (targets.length === 0)
    return warn(
      'media',
      `no advertised address is on this machine, so UDP ${port} was not tested${skipNote}`,
      'fix the advertise check first',
    );
  const metrics = async () =>
    droppedCount((await io.request(bridgeUrl(c, '/metrics'), { timeoutMs: ctx.timeoutMs })).body, 'stun-unknown-ufrag');
  const reached: string[] = [];
  const lost: string[] = [];
  for (const t of targets) {
    let before: number;
    try {
      before = await metrics();
    } catch (e) {
      return fail(
        'media',
        `cannot read ${bridgeUrl(c, '/metrics')}: ${(e as Error).message}`,
        'restart `npm start` (see the components check)',
      );
    }
    let ok = false;
    const deadline = Date.now() + ctx.timeoutMs;
    for (let attempt = 0; !ok && Date.now() < deadline; attempt++) {
      if (attempt < 5)
        await io.udpSend(t, port, stunBindingRequest(`doctor${randomBytes(6).toString('hex')}:probe`)).catch(() => {});
      await io.sleep(100);
      ok = (await metrics().catch(() => before)) > before;
    }
    (ok ? reached : lost).push(`${urlHost(t)}:${port}`);
  }
  if (lost.length) {
    return {
      id: 'media',
      status: 'fail',
      summary: `STUN to UDP ${lost.join(', ')} never reached the bridge (its stun-unknown-ufrag counter did not move)${mismatch}${skipNote}`,
      fix,
    };
  }
  return ok('media', `STUN to UDP ${reached.join(', ')} reaches the bridge${mismatch}${skipNote}`);
}
