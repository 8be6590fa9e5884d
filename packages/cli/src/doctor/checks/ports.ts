import { join } from 'node:path';
import type { StartConfig } from '../../start-config.js';
import { type CheckResult, type DoctorContext, prosodyDir, fail, ok } from '../context.js';

// Free ports ----------------------------------------------------------------------------------------
export function configuredPorts(c: StartConfig): { port: number; proto: 'tcp' | 'udp'; host: string; flag: string }[] {
  return [
    { port: c.xmppPort, proto: 'tcp', host: c.bind, flag: '--xmpp-port' },
    { port: c.xmppHttpPort, proto: 'tcp', host: c.bind, flag: '--xmpp-http-port' },
    { port: c.componentPort, proto: 'tcp', host: c.bind, flag: '--component-port' },
    { port: c.focusHttpPort, proto: 'tcp', host: '127.0.0.1', flag: '--focus-http-port' },
    { port: c.bridgeHttpPort, proto: 'tcp', host: '127.0.0.1', flag: '--bridge-http-port' },
    { port: c.mediaPort, proto: 'udp', host: '0.0.0.0', flag: '--media-port' },
    { port: c.tcpPort, proto: 'tcp', host: '0.0.0.0', flag: '--tcp-port' },
    { port: c.httpsPort, proto: 'tcp', host: c.webBind, flag: '--https-port' },
    { port: c.httpPort, proto: 'tcp', host: c.webBind, flag: '--http-port' },
  ];
}

export async function checkPorts(ctx: DoctorContext, stackRunning: boolean): Promise<CheckResult> {
  if (stackRunning) return ok('ports', 'skipped: the stack is running, so its ports are in use by it');
  const pid = Number(ctx.io.readFile(join(prosodyDir(ctx), 'prosody.pid'))?.trim());
  if (Number.isInteger(pid) && pid > 0 && ctx.io.pidAlive(pid))
    return ok('ports', `skipped: Prosody runs (pid ${pid}), so the stack holds its ports (see the prosody check)`);
  const ports = configuredPorts(ctx.config);
  const answers = await Promise.all(ports.map((p) => ctx.io.portTaken(p.proto, p.host, p.port)));
  const taken = ports.map((p, i) => ({ ...p, why: answers[i] })).filter((p) => p.why);
  if (taken.length === 0)
    return ok('ports', `every configured port is free (${ports.map((p) => `${p.port}/${p.proto}`).join(', ')})`);
  const describe = (p: (typeof taken)[number]) => {
    if (p.why === 'EADDRINUSE')
      return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}) is taken by another process`;
    if (p.why === 'EACCES')
      return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}) needs root (a port below 1024)`;
    if (p.why === 'EADDRNOTAVAIL')
      return `${p.host} is not an address of this machine (${p.flag} ${p.port} cannot listen there)`;
    return `${p.proto.toUpperCase()} ${p.host}:${p.port} (${p.flag}): ${p.why}`;
  };
  const first = taken[0];
  return fail(
    'ports',
    taken.map(describe).join('; '),
    `stop what holds each port (\`ss -${first.proto === 'udp' ? 'u' : 't'}lnp 'sport = :${first.port}'\` shows the process) or pick another with ${taken.map((p) => `${p.flag} <port>`).join(', ')}`,
  );
}
