import { isLocalAddress } from '../net.js';
import { type CheckResult, type DoctorContext, urlHost, localAddressList, fail, ok } from '../context.js';
import { advertisedAddresses } from './advertise.js';

export async function checkIceTcp(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const local = localAddressList(io);
  const targets = (await advertisedAddresses(ctx))
    .filter((a) => isLocalAddress(a.address, local))
    .map((a) => a.address);
  if (targets.length === 0) targets.push('127.0.0.1');
  const answers = await Promise.all(targets.map((t) => io.tcpConnect(t, c.tcpPort, ctx.timeoutMs)));
  const bad = targets.map((t, i) => (answers[i] ? `${urlHost(t)}:${c.tcpPort} (${answers[i]})` : '')).filter(Boolean);
  if (bad.length) {
    const h = await ctx.bridgeHealth();
    const hint =
      typeof h !== 'string' && h.tcpPort !== undefined && h.tcpPort !== c.tcpPort
        ? `; the running bridge says its ICE-TCP port is ${h.tcpPort}: give doctor --tcp-port ${h.tcpPort}`
        : '';
    return fail(
      'ice-tcp',
      `ICE-TCP fallback does not accept connections on ${bad.join(', ')}`,
      `start the bridge (\`npm start\`) and open TCP ${c.tcpPort} (\`ufw allow ${c.tcpPort}/tcp\` or \`firewall-cmd --add-port=${c.tcpPort}/tcp --permanent\`)${hint}`,
    );
  }
  return ok('ice-tcp', `ICE-TCP ${targets.map((t) => `${urlHost(t)}:${c.tcpPort}`).join(', ')} accepts connections`);
}
