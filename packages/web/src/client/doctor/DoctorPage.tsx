// The /doctor page: runs the checks one after another and shows the live list, each result with
// a plain-language explanation and, for a problem, the fix; a summary and "Copy report" at the end.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ParleyConfig } from '../conference/types';
import { t, type MessageKey } from '../i18n';
import { doctorChecks, httpsAddress } from './checks';
import { messageKeys, reportText, runChecks, summarize, type CheckState, type Described } from './runner';

function tr(key: string | undefined, vars?: Record<string, string | number>): string {
  return key ? t(key as MessageKey, vars) : '';
}

export function describe(s: CheckState): Described {
  const k = messageKeys(s);
  const vars = s.vars ?? {};
  const out: Described = {
    title: tr(k.title),
    text: s.status === 'pending' || s.status === 'running' ? t(`doctor.status.${s.status}`) : tr(k.text, vars),
  };
  if (k.fix) out.fix = tr(k.fix, vars);
  return out;
}

function summaryText(states: CheckState[]): string {
  const sum = summarize(states);
  if (!sum.done) return t('doctor.summary.running');
  if (sum.problems === 0) return t('doctor.summary.ok');
  return sum.problems === 1 ? t('doctor.summary.problem') : t('doctor.summary.problems', { n: sum.problems });
}

const GLYPH: Record<CheckState['status'], string> = { pending: '○', running: '…', ok: '✓', fail: '✕', skipped: '–' };

function CheckRow({ s }: { s: CheckState }) {
  const d = describe(s);
  return (
    <li class={`doctor-check ${s.status}`} data-testid="doctor-check" data-check={s.id} data-status={s.status}>
      <span class={`doctor-glyph ${s.status}`} aria-hidden="true">
        {s.status === 'running' ? <span class="doctor-spinner" /> : GLYPH[s.status]}
      </span>
      <div class="doctor-body">
        <div class="doctor-head">
          <strong>{d.title}</strong>
          <span class={`doctor-status ${s.status}`}>{t(`doctor.status.${s.status}`)}</span>
        </div>
        {s.status !== 'pending' && s.status !== 'running' && (
          <p class="doctor-text" data-testid="doctor-text">
            {d.text}
          </p>
        )}
        {d.fix && (
          <div class="doctor-fix" data-testid="doctor-fix">
            <strong>{t('doctor.fix')}:</strong> {d.fix}
            {s.id === 'secure-context' && (
              <div class="button-row">
                <a class="button primary" href={httpsAddress()} data-testid="https-link">
                  {httpsAddress()}
                </a>
                <a class="button secondary" href="/ca.pem" download="parley-ca.pem" data-testid="ca-link">
                  {t('doctor.ca')}
                </a>
              </div>
            )}
          </div>
        )}
        {s.detail && (
          <details class="doctor-detail">
            <summary>{t('doctor.details')}</summary>
            <code>{s.detail}</code>
          </details>
        )}
      </div>
    </li>
  );
}

export function DoctorPage({ config }: { config: ParleyConfig }) {
  const defs = useMemo(() => doctorChecks(config), [config]);
  const [states, setStates] = useState<CheckState[]>(() => defs.map((d) => ({ id: d.id, status: 'pending' })));
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    let live = true;
    void runChecks(defs, (s) => {
      if (live) setStates(s);
    });
    return () => {
      live = false;
    };
  }, [defs]);

  const sum = summarize(states);
  const summary = summaryText(states);
  const report = () =>
    reportText(states, describe, {
      title: `Parley ${t('doctor.title')}`,
      summary,
      page: location.href,
      userAgent: navigator.userAgent,
      time: new Date().toISOString(),
    });
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(report());
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <div class="screen doctor" data-testid="doctor">
      <div class="card wide doctor-card">
        <h1 class="screen-title">{t('doctor.title')}</h1>
        <p class="muted">{t('doctor.intro')}</p>
        <ol class="doctor-list">
          {states.map((s) => (
            <CheckRow key={s.id} s={s} />
          ))}
        </ol>
        <p
          class={`doctor-summary ${sum.done ? (sum.problems ? 'fail' : 'ok') : 'running'}`}
          data-testid="doctor-summary"
          data-done={String(sum.done)}
          data-problems={sum.problems}
        >
          {summary}
        </p>
        <div class="button-row">
          <button
            type="button"
            class="button primary"
            data-testid="doctor-copy"
            disabled={!sum.done}
            onClick={() => void onCopy()}
          >
            {copy === 'copied' ? t('doctor.copied') : t('doctor.copy')}
          </button>
          <button
            type="button"
            class="button secondary"
            data-testid="doctor-again"
            disabled={!sum.done}
            onClick={() => location.reload()}
          >
            {t('doctor.again')}
          </button>
          <a class="button secondary" href="/" data-testid="home-button">
            {t('common.home')}
          </a>
        </div>
        {copy === 'failed' && (
          <div class="doctor-report">
            <p class="muted">{t('doctor.copyFailed')}</p>
            <textarea readOnly rows={12} data-testid="doctor-report" value={report()} />
          </div>
        )}
      </div>
    </div>
  );
}
