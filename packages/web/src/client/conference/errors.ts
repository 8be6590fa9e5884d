// Pure error mapping and URL resolution for the store (no DOM types: unit-tested in Node).

/** The ErrorKind values (types.ts) that getUserMedia failures map to. */
export type DeviceErrorKind = 'no-devices' | 'permission-denied';

const PERMISSION = new Set(['NotAllowedError', 'PermissionDeniedError', 'SecurityError']);

/**
 * getUserMedia / getDisplayMedia DOMException name -> error kind. NotFoundError and
 * OverconstrainedError mean no usable device; so does NotReadableError (the device is busy or
 * broken): the UI offers to join without devices.
 */
export function deviceErrorKind(err: unknown): DeviceErrorKind {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  return PERMISSION.has(name) ? 'permission-denied' : 'no-devices';
}

/** "NotFoundError: Requested device not found" (for the details disclosure). */
export function errorDetail(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (name || message) return name && message ? `${name}: ${message}` : name || message;
  }
  return String(err);
}

export interface PageLocation {
  protocol: string;
  host: string;
}

/**
 * Resolves a configured service URL against the page: "/xmpp-websocket" on https://h:8443 ->
 * "wss://h:8443/xmpp-websocket" (ws: when the page is plain http, e.g. localhost). Absolute URLs are
 * kept; "//host/path" takes the page's scheme. kind 'http' (BOSH) gives https:/http: URLs.
 */
export function resolveServiceUrl(url: string, page: PageLocation, kind: 'websocket' | 'http' = 'websocket'): string {
  const secure = page.protocol !== 'http:';
  const scheme = kind === 'websocket' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  const u = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return u;
  if (u.startsWith('//')) return `${scheme}${u}`;
  return `${scheme}//${page.host}${u.startsWith('/') ? '' : '/'}${u}`;
}
