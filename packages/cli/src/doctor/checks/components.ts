import { type CheckResult, type DoctorContext, bridgeUrl, focusUrl, fail, ok } from '../context.js';

// Focus and bridge -----------------------------------------------------------------------------
export async function checkComponents(ctx: DoctorContext): Promise<CheckResult> {
  const { config: c, io } = ctx;
  const problems: string[] = [];
  const fixes: string[] = [];
  const parts: string[] = [];
  const fUrl = focusUrl(c, '/health');
  try {
    const r = await io.request(fUrl, { timeoutMs: ctx.timeoutMs });
    let bridges = NaN;
    try {
      bridges = Number((JSON.parse(r.body) as { bridges?: unknown }).bridges);
    } catch {
      /* reported below */
    }
    if (r.status === 200 && bridges >= 1)
      parts.push(`focus ${fUrl} healthy with ${bridges} bridge${bridges === 1 ? '' : 's'}`);
    else {
      problems.push(
        `focus ${fUrl} answered ${r.status} with ${Number.isNaN(bridges) ? 'no bridge count' : `${bridges} bridges`}`,
      );
      fixes.push(
        `the focus has no bridge in the brewery (jvbbrewery@internal.auth.${c.domain}): the bridge is down or cannot log in to Prosody on 127.0.0.1:${c.xmppPort}; restart \`npm start\` and read the bridge's log lines (JSON, "service":"bridge") on its stderr`,
      );
    }
  } catch (e) {
    problems.push(`focus ${fUrl} does not answer (${(e as Error).message})`);
    fixes.push(
      `the focus (--focus-http-port ${c.focusHttpPort}) is down: restart \`npm start\`; its log lines are the JSON lines with "service":"focus" on npm start's stderr`,
    );
  }
  const bUrl = bridgeUrl(c, '/health');
  const h = await ctx.bridgeHealth();
  if (typeof h === 'string') {
    problems.push(`bridge ${bUrl} does not answer (${h})`);
    fixes.push(
      `the bridge (--bridge-http-port ${c.bridgeHttpPort}) is down: restart \`npm start\`; its log lines are the JSON lines with "service":"bridge" on npm start's stderr`,
    );
  } else if (!h.healthy) {
    problems.push(`bridge ${bUrl} reports unhealthy`);
    fixes.push(
      `the bridge (--bridge-http-port ${c.bridgeHttpPort}) is unhealthy: see ${bridgeUrl(c, '/debug/conferences')} and its log on npm start's stderr`,
    );
  } else parts.push(`bridge ${bUrl} healthy`);
  if (problems.length === 0) return ok('components', parts.join('; '));
  return fail('components', problems.join('; '), fixes.join('; '));
}
