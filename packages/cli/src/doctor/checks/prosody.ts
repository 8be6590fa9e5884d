import { join } from 'node:path';
import { type CheckResult, type DoctorContext, reachFrom, prosodyDir, fail, ok } from '../context.js';

// Prosody --------------------------------------------------------------------------------------
export async function checkProsody(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const host = reachFrom(c.bind);
  const ports: [string, number, string][] = [
    ['c2s', c.xmppPort, '--xmpp-port'],
    ['HTTP', c.xmppHttpPort, '--xmpp-http-port'],
    ['component', c.componentPort, '--component-port'],
  ];
  const answers = await Promise.all(ports.map(([, p]) => io.tcpConnect(host, p, ctx.timeoutMs)));
  const pidPath = join(prosodyDir(ctx), 'prosody.pid');
  const pidText = io.readFile(pidPath);
  const pid = Number(pidText?.trim());
  const alive = Number.isInteger(pid) && pid > 0 && io.pidAlive(pid);
  const closed = ports
    .map(([name, p, flag], i) => (answers[i] ? `${name} ${host}:${p} (${flag}): ${answers[i]}` : ''))
    .filter(Boolean);
  const logs = `${join(prosodyDir(ctx), 'prosody.log')} and ${join(prosodyDir(ctx), 'prosody.console.log')}`;
  if (closed.length === 0 && alive) {
    return ok(
      'prosody',
      `Prosody (pid ${pid}) accepts c2s ${host}:${c.xmppPort}, HTTP :${c.xmppHttpPort}, component :${c.componentPort}`,
    );
  }
  const problems: string[] = [];
  if (!pidText) problems.push(`no ${pidPath}: Prosody was not started with this data dir`);
  else if (!alive) problems.push(`Prosody's pid ${pidText.trim()} (from ${pidPath}) is not running`);
  if (closed.length) problems.push(`not accepting TCP: ${closed.join('; ')}`);
  const fix = alive
    ? `Prosody runs but not on these ports: give doctor the same flags as \`npm start\` (--bind, --xmpp-port, --xmpp-http-port, --component-port); the ports it uses are in ${join(prosodyDir(ctx), 'prosody.cfg.lua')}`
    : `start the stack: \`npm start\` (with the same flags you give doctor); if Prosody does not come up, read ${logs}`;
  return fail('prosody', problems.join('; '), fix);
}
