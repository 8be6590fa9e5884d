// Small server-rendered texts: the HTTP->HTTPS explanation, the 404 page, and the security
// headers every response carries. No external origin appears anywhere (no CDN, no web font).

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A Host header value we are willing to echo (hostname or IP, optional port), else undefined. */
export function cleanHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim();
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(h) ? h : undefined;
}

/** Origins of absolute ws(s)/http(s) URLs among `urls` (relative paths are same-origin already). */
export function absoluteOrigins(urls: string[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (!/^(wss?|https?):\/\//i.test(u)) continue;
    try {
      const url = new URL(u);
      if (/^[a-z0-9.:[\]-]+$/i.test(url.host)) out.add(`${url.protocol}//${url.host}`);
    } catch {
      // not a URL: config validation is the caller's business
    }
  }
  return [...out];
}

/** The host part of a Host header without its port ("[::1]:80" -> "[::1]", "meet.lan:80" -> "meet.lan"). */
export function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const i = host.lastIndexOf(':');
  return i >= 0 && host.indexOf(':') === i ? host.slice(0, i) : host;
}

/**
 * Content-Security-Policy for one request: everything from this origin only. `extraConnect` are
 * origins the deployment's config.js names explicitly (an absolute websocketUrl/boshUrl).
 */
export function contentSecurityPolicy(
  host: string | undefined,
  extraConnect: string[] = [],
  embedOrigins: string[] = [],
): string {
  const clean = cleanHost(host);
  const wss = (clean ? ` wss://${clean}` : '') + extraConnect.map((o) => ` ${o}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src 'self'${wss}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors 'self'${embedOrigins.map((o) => ` ${o}`).join('')}`,
  ].join('; ');
}

/** Headers for every HTTPS response (no HSTS: a not-yet-trusted local CA must stay click-through-able). */
export function securityHeaders(
  host: string | undefined,
  extraConnect: string[] = [],
  embedOrigins: string[] = [],
): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(host, extraConnect, embedOrigins),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // X-Frame-Options cannot name other origins; with embedding on, frame-ancestors (above) decides.
    ...(embedOrigins.length ? {} : { 'X-Frame-Options': 'SAMEORIGIN' }),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy':
      'camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), autoplay=(self)',
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}a{color:#0b5cad}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** Body of the plain-HTTP answer (301 to HTTPS). `httpsUrl` is built from the request's own Host. */
export function httpsRedirectPage(httpsUrl: string, caUrl?: string): string {
  const u = escapeHtml(httpsUrl);
  const trust = caUrl
    ? `<p>If the browser warns about the certificate, this server uses its own local certificate authority: download <a href="${escapeHtml(caUrl)}">its CA certificate</a> and trust it once on this device.</p>`
    : '<p>If the browser warns about the certificate, ask the person who runs this server for the local CA certificate (<code>ca.pem</code>) and trust it once on this device.</p>';
  return page(
    'Parley needs HTTPS',
    `<h1>This meeting is on HTTPS</h1>
<p>Video meetings need a secure (HTTPS) page: browsers only allow the camera and the microphone on secure pages.</p>
<p>Continue to <a href="${u}">${u}</a>.</p>
${trust}`,
  );
}

export function notFoundPage(path: string): string {
  return page(
    'Not found',
    `<h1>Not found</h1>
<p>There is nothing at <code>${escapeHtml(path.slice(0, 200))}</code>.</p>
<p>Meeting names use lowercase letters, digits, <code>-</code> and <code>_</code> (at most 64 characters), for example <code>/team-meeting</code>.</p>
<p><a href="/">Start or join a meeting</a></p>`,
  );
}

export function clientMissingPage(): string {
  return page(
    'Client not built',
    `<h1>The web client is not built</h1>
<p>The server runs, but the browser client is missing. Build it with <code>npm run build</code>.</p>`,
  );
}
