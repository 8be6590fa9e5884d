import { join } from 'node:path';
import { bracketHost } from '@parley/service';
import { guestDomainOf } from '@parley/xmpp-config';
import type { StartConfig } from '../start-config.js';
import type { DoctorIO } from './io.js';
import { canonicalIp, isUnspecified } from './net.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  summary: string;
  fix?: string;
}

export interface BridgeHealth {
  healthy: boolean;
  udpPort?: number;
  tcpPort?: number;
  advertise?: string[];
}

export interface DoctorContext {
  config: StartConfig;
  /** Absolute data dir. */
  dataDir: string;
  io: DoctorIO;
  /** Bound of each network wait. */
  timeoutMs: number;
  /** The bridge's /health (memoized by makeContext), or why it could not be read. */
  bridgeHealth(): Promise<BridgeHealth | string>;
}

export function makeContext(config: StartConfig, dataDir: string, io: DoctorIO, timeoutMs = 3000): DoctorContext {
  let health: Promise<BridgeHealth | string> | undefined;
  const ctx: DoctorContext = {
    config,
    dataDir,
    io,
    timeoutMs,
    bridgeHealth: () =>
      (health ??= io.request(bridgeUrl(config, '/health'), { timeoutMs }).then(
        (r) => {
          try {
            const body = JSON.parse(r.body) as BridgeHealth;
            return r.status === 200 || r.status === 503 ? body : `HTTP ${r.status}`;
          } catch {
            return `HTTP ${r.status}, not JSON`;
          }
        },
        (e: Error) => e.message,
      )),
  };
  return ctx;
}

/** The address to reach a service bound to `bind` from this machine. */
export function reachFrom(bind: string): string {
  if (isUnspecified(bind)) return bind.includes(':') ? '::1' : '127.0.0.1';
  return canonicalIp(bind) ?? bind;
}

export const urlHost = bracketHost;

export const bridgeUrl = (c: StartConfig, path: string) => `http://127.0.0.1:${c.bridgeHttpPort}${path}`;

export const focusUrl = (c: StartConfig, path: string) => `http://127.0.0.1:${c.focusHttpPort}${path}`;

export const webOrigin = (c: StartConfig) => `https://${urlHost(reachFrom(c.webBind))}:${c.httpsPort}`;

export const prosodyDir = (ctx: DoctorContext) => join(ctx.dataDir, 'prosody');

export const NGINX =
  'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

export function localAddressList(io: DoctorIO): string[] {
  return io.interfaces().map((a) => a.address);
}

// 3. WebSocket through the web server --------------------------------------------------------------
/** Where guests log in anonymously: guest.<domain> with --auth login, else the main domain. */
export const guestDomain = (c: StartConfig) => guestDomainOf(c.domain, c.auth);

/** The check passed. */
export const ok = (id: string, summary: string): CheckResult => ({ id, status: 'ok', summary });
/** Works, but not as it should: `fix` says what to change. */
export const warn = (id: string, summary: string, fix?: string): CheckResult => ({
  id,
  status: 'warn',
  summary,
  ...(fix ? { fix } : {}),
});
/** Broken: `fix` says exactly what to do. */
export const fail = (id: string, summary: string, fix?: string): CheckResult => ({
  id,
  status: 'fail',
  summary,
  ...(fix ? { fix } : {}),
});
