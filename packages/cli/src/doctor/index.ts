// `parley doctor`: checks every link of a stack started by `parley start` with the same settings
// and prints one line per check, with the fix for each failure. Only local addresses are contacted.
import { resolve } from 'node:path';
import type { StartConfig } from '../start-config.js';
import {
  checkAdvertise,
  checkBosh,
  checkCertificate,
  checkClock,
  checkComponents,
  checkExternal,
  checkIceTcp,
  checkMediaPort,
  checkPorts,
  checkProsody,
  checkWebSocket,
  makeContext,
  type CheckResult,
  type DoctorContext,
} from './checks.js';
import { realIO, type DoctorIO } from './io.js';
import { checkStack } from './supervision.js';

export type { CheckResult, CheckStatus, DoctorContext } from './checks.js';
export type { DoctorIO } from './io.js';
export { realIO } from './io.js';

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

async function guarded(id: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (e) {
    return {
      id,
      status: 'fail',
      summary: `the check itself failed: ${(e as Error).message}`,
      fix: 'report this with the output of `parley doctor --json`',
    };
  }
}

export async function runDoctor(config: StartConfig, io: DoctorIO = realIO, timeoutMs = 3000): Promise<DoctorReport> {
  const ctx: DoctorContext = makeContext(config, resolve(config.dataDir), io, timeoutMs);
  const checks: CheckResult[] = [];
  const prosody = await guarded('prosody', () => checkProsody(ctx));
  checks.push(prosody);
  checks.push(await guarded('components', () => checkComponents(ctx)));
  checks.push(await guarded('stack', () => checkStack(ctx)));
  checks.push(await guarded('websocket', () => checkWebSocket(ctx)));
  checks.push(await guarded('bosh', () => checkBosh(ctx)));
  checks.push(await guarded('certificate', () => checkCertificate(ctx)));
  checks.push(await guarded('advertise', () => checkAdvertise(ctx)));
  checks.push(await guarded('media', () => checkMediaPort(ctx)));
  checks.push(await guarded('ice-tcp', () => checkIceTcp(ctx)));
  checks.push(await guarded('clock', () => checkClock(ctx)));
  checks.push(await guarded('ports', () => checkPorts(ctx, prosody.status === 'ok')));
  checks.push(await guarded('external', () => checkExternal(ctx)));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export function formatReport(report: DoctorReport, json: boolean): string {
  if (json) return JSON.stringify(report);
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${LABEL[c.status]}  ${c.id.padEnd(width)}  ${c.summary}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(width + 8)}fix: ${c.fix}`);
  }
  const n = (s: string) => report.checks.filter((c) => c.status === s).length;
  lines.push(`${report.checks.length} checks: ${n('ok')} ok, ${n('warn')} warn, ${n('fail')} FAIL`);
  return lines.join('\n');
}
