import { canonicalIp, isLocalAddress, isLoopback } from '../net.js';
import { type CheckResult, type DoctorContext, bridgeUrl, localAddressList, fail, warn } from '../context.js';

// 6-8. Bridge addresses and ports ---------------------------------------------------------------------
/** What browsers are told: the flags' list (or the bridge's default), plus what the running bridge reports. */
export async function advertisedAddresses(ctx: DoctorContext): Promise<{ address: string; source: string }[]> {
  const out: { address: string; source: string }[] = [];
  const add = (address: string, source: string) => {
    const a = canonicalIp(address) ?? address;
    if (!out.some((x) => x.address === a)) out.push({ address: a, source });
  };
  for (const a of ctx.config.advertise) add(a, '--advertise / PARLEY_ADVERTISE');
  const h = await ctx.bridgeHealth();
  if (typeof h !== 'string')
    for (const a of h.advertise ?? []) add(a, `the running bridge (${bridgeUrl(ctx.config, '/health')})`);
  if (out.length === 0) {
    for (const i of ctx.io.interfaces())
      if (!i.internal && !/^fe80:/i.test(i.address)) add(i.address, 'the default (every non-loopback address)');
  }
  return out;
}

export async function checkAdvertise(ctx: DoctorContext): Promise<CheckResult> {
  const list = await advertisedAddresses(ctx);
  const local = localAddressList(ctx.io);
  if (list.length === 0)
    return fail(
      'advertise',
      'the bridge advertises no address: browsers get no media candidate',
      'set PARLEY_ADVERTISE / --advertise to the address browsers reach this machine at',
    );
  const foreign = list.filter((a) => !isLocalAddress(a.address, local));
  if (foreign.length) {
    return {
      id: 'advertise',
      status: 'fail',
      summary: foreign
        .map(
          (a) =>
            `the bridge tells browsers to send media to ${a.address} (from ${a.source}), which is not an address of this machine (NAT/docker?)`,
        )
        .join('; '),
      fix: `set PARLEY_ADVERTISE / --advertise to the address browsers reach (this machine has ${local.filter((l) => !isLoopback(l) && !/^fe80:/i.test(l)).join(', ') || 'only loopback'}), then restart \`npm start\``,
    };
  }
  const all = list.map((a) => a.address).join(', ');
  if (list.every((a) => isLoopback(a.address))) {
    const lan = local.filter((l) => !isLoopback(l) && !/^fe80:/i.test(l));
    return warn(
      'advertise',
      `the bridge advertises only loopback (${all}): only browsers on this machine get media`,
      `for other machines, set --advertise / PARLEY_ADVERTISE to this machine's LAN address${lan.length ? ` (${lan.join(', ')})` : ''}`,
    );
  }
  return { id: 'advertise', status: 'ok', summary: `the bridge advertises ${all}, all addresses of this machine` };
}
