// `parley doctor` check "clock".
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { type CheckResult, type DoctorContext, warn } from '../context.js';

// Clock and time zone ------------------------------------------------------------------------------
export function utcOffset(minutesWest: number): string {
  const m = -minutesWest;
  const sign = m >= 0 ? '+' : '-';
  const a = Math.abs(m);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export async function checkClock(ctx: DoctorContext): Promise<CheckResult> {
  const { io } = ctx;
  const now = io.now();
  const tz = io.env('TZ');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const summary = `system time ${now.toISOString()}, ${utcOffset(now.getTimezoneOffset())}, TZ=${tz ?? '(unset)'}, zone ${zone}`;
  const caPem = io.readFile(join(ctx.dataDir, 'certs', 'ca.pem'));
  if (caPem) {
    try {
      const ca = new X509Certificate(caPem);
      if (new Date(ca.validFrom).getTime() > now.getTime()) {
        return warn(
          'clock',
          `${summary}; the clock is before the CA's notBefore ${new Date(ca.validFrom).toISOString()}: certificates look not yet valid`,
          'set the clock (`timedatectl set-ntp true` with a local NTP server, or `date -s`), then restart `npm start`',
        );
      }
    } catch {
      /* the certificate check reports unreadable files */
    }
  }
  if (!tz && !io.exists('/etc/localtime')) {
    return warn(
      'clock',
      `${summary}; TZ is unset and /etc/localtime is missing: logs are in UTC`,
      'set the time zone: `TZ=Area/City npm start` (e.g. TZ=Europe/Berlin) or `timedatectl set-timezone Area/City`',
    );
  }
  return { id: 'clock', status: 'ok', summary };
}
