// The "stack" check of `parley doctor`: whether parley start reports a part of the stack down
// (Prosody, a bridge process, coturn) while its supervisor restarts it. Read from the focus's /health,
// which start fills with its supervisors' state: status "ok", "degraded" (serving, a part is down)
// or "down" (cannot run a conference now).
import type { CheckResult, DoctorContext } from './checks.js';

interface StackPart {
  name: string;
  state: string;
  restarts: number;
}

interface FocusHealth {
  status?: string;
  down?: string[];
  stack?: { parts?: StackPart[] };
}

/** Judges the focus's /health answer (pure). */
export function judgeStack(url: string, reply: { status: number; body: string } | Error): CheckResult {
  const id = 'stack';
  if (reply instanceof Error)
    return { id, status: 'warn', summary: `no stack state: ${url} does not answer (see "components")` };
  let h: FocusHealth;
  try {
    h = JSON.parse(reply.body) as FocusHealth;
  } catch {
    return { id, status: 'warn', summary: `no stack state: ${url} answered ${reply.status} without JSON` };
  }
  const parts = h.stack?.parts ?? [];
  const restarted = parts.filter((p) => p.restarts > 0).map((p) => `${p.name} restarted ${p.restarts}x`);
  const history = restarted.length ? ` (${restarted.join(', ')})` : '';
  const down = h.down ?? [];
  const fix =
    'parley start restarts a part that dies, with a growing delay (up to 10 s); if it stays down, read its "supervisor.restart_failed" lines (JSON) on npm start\'s stderr for the reason, e.g. a port taken by another program';
  if (h.status === 'ok' || (h.status === undefined && reply.status === 200 && down.length === 0))
    return {
      id,
      status: 'ok',
      summary: `every part is up: ${parts.map((p) => p.name).join(', ') || 'focus'}${history}`,
    };
  const what = down.length ? down.join(', ') : 'unknown';
  if (h.status === 'degraded')
    return {
      id,
      status: 'warn',
      summary: `degraded: ${what} down, being restarted; meetings still run${history}`,
      fix,
    };
  return { id, status: 'fail', summary: `down: ${what}; no new meeting can start until it is back${history}`, fix };
}

export async function checkStack(ctx: DoctorContext): Promise<CheckResult> {
  const url = `http://127.0.0.1:${ctx.config.focusHttpPort}/health`;
  const reply = await ctx.io.request(url, { timeoutMs: ctx.timeoutMs }).catch((e: Error) => e);
  return judgeStack(url, reply);
}
