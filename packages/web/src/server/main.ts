#!/usr/bin/env node
// Runs the web server alone: `node dist/server/main.js --domain meet.example --cert-dir /certs`.
// The certificates are read, not made: the deployment's init step makes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, runServiceMain } from '@parley/service';
import { webConfigSpec, type WebConfig } from './config-spec.js';
import { startWebServer } from './web-server.js';

function readCert(c: WebConfig, name: string): string {
  const path = join(c.certDir, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `${webConfigSpec.certDir.env}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the init step makes it`,
    );
  }
}

await runServiceMain({
  name: 'web',
  description: 'serves the web app over HTTPS and proxies signaling to Prosody',
  spec: webConfigSpec,
  start: (c) =>
    startWebServer({
      host: c.host,
      httpsPort: c.httpsPort,
      httpPort: c.httpPort === 0 ? null : c.httpPort,
      xmppHttp: { host: c.xmppHttpHost, port: c.xmppHttpPort },
      domain: c.domain,
      tls: { cert: readCert(c, 'cert.pem'), key: readCert(c, 'key.pem') },
      caCertPem: readCert(c, 'ca.pem'),
      staticDir: c.staticDir || undefined,
      maxConnectionsPerAddress: c.maxConnectionsPerAddress,
      // Like `parley start`'s webAccess: in login mode guests log in anonymously on guest.<domain>.
      config: {
        auth: c.auth,
        anonymousDomain: c.auth === 'login' ? `guest.${c.domain}` : c.domain,
        embedOrigins: c.embedOrigins,
      },
      turn: c.turn,
      recordings: { dir: c.recordingsDir || undefined, adminToken: c.adminToken || undefined },
      ...(c.metricsPort !== 0 ? { metricsHttp: { host: c.metricsHost, port: c.metricsPort } } : {}),
      log: createLogger('web', { level: c.logLevel, write: (l) => process.stderr.write(l + '\n') }),
    }),
});
