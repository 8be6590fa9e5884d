import { join } from 'node:path';
import { isPrivate, scanForForeignHosts, type Finding, type HostContext } from '../net.js';
import {
  type CheckResult,
  type DoctorContext,
  webOrigin,
  prosodyDir,
  localAddressList,
  fail,
  warn,
} from '../context.js';
import { advertisedAddresses } from './advertise.js';

// No external address in the configuration ----------------------------------------------------------
export function hostContext(ctx: DoctorContext): HostContext {
  const c = ctx.config;
  const configured = [...c.advertise, c.bind, c.webBind].filter((a) => isPrivate(a));
  return { local: localAddressList(ctx.io), configured, domain: c.domain, hostname: ctx.io.hostname() };
}

export async function checkExternal(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const hc = hostContext(ctx);
  const findings: Finding[] = [];
  const scanned: string[] = [];
  const notes: string[] = [];
  const cfgPath = join(prosodyDir(ctx), 'prosody.cfg.lua');
  const cfg = io.readFile(cfgPath);
  const cfgDomain = cfg === undefined ? undefined : /^VirtualHost\s+"([^"]+)"/m.exec(cfg)?.[1];
  if (cfgDomain && cfgDomain !== c.domain) {
    return fail(
      'external',
      `${cfgPath} is for the domain ${cfgDomain}, but doctor was given --domain ${c.domain}`,
      `give doctor the same --domain (and other flags) as \`npm start\`: --domain ${cfgDomain}`,
    );
  }
  if (cfg === undefined) notes.push(`${cfgPath} not found`);
  else {
    findings.push(...scanForForeignHosts(cfg, cfgPath, hc));
    scanned.push(cfgPath);
  }
  const list = await advertisedAddresses(ctx);
  for (const a of list) {
    const f = scanForForeignHosts(JSON.stringify(a.address), `the bridge's advertise list (${a.source})`, hc);
    findings.push(...f);
  }
  scanned.push("the bridge's advertise list");
  const cfgJsUrl = `${webOrigin(c)}/config.js`;
  try {
    const r = await io.request(cfgJsUrl, { timeoutMs: ctx.timeoutMs });
    if (r.status === 200) {
      findings.push(...scanForForeignHosts(r.body, cfgJsUrl, hc));
      scanned.push(cfgJsUrl);
    } else notes.push(`${cfgJsUrl} answered ${r.status}`);
  } catch (e) {
    notes.push(`${cfgJsUrl}: ${(e as Error).message}`);
  }
  const tail = notes.length ? `; not scanned: ${notes.join('; ')}` : '';
  if (findings.length) {
    return fail(
      'external',
      findings.map((f) => `${f.value} in ${f.file}: ${f.why}`).join('; ') + tail,
      `remove ${[...new Set(findings.map((f) => f.value))].join(', ')} (nothing outside this machine and the addresses you configure may be named; no public STUN/TURN): for prosody.cfg.lua restart \`npm start\` (it rewrites the file), for advertise set --advertise / PARLEY_ADVERTISE`,
    );
  }
  if (notes.length)
    return warn(
      'external',
      `no outside address in ${scanned.join(', ')}${tail}`,
      'start the stack (`npm start`) so every file can be scanned',
    );
  return { id: 'external', status: 'ok', summary: `no outside address or public STUN/TURN in ${scanned.join(', ')}` };
}
