// Container healthcheck: GET the service's own /health on loopback, port from the container's
// env (the same PARLEY_* variable the service reads). Exit 0 when it answers 200.
// Usage: node compose/healthcheck.mjs focus|bridge|web
import http from 'node:http';
import https from 'node:https';

const svc = process.argv[2];
const targets = {
  focus: { mod: http, port: process.env.PARLEY_FOCUS_HTTP_PORT || '8888' },
  bridge: { mod: http, port: process.env.PARLEY_BRIDGE_HTTP_PORT || '8080' },
  // The certificate is the deployment's own (local CA); this only asks our own loopback.
  web: { mod: https, port: process.env.PARLEY_HTTPS_PORT || '8443', rejectUnauthorized: false },
};
const t = targets[svc];
if (!t) {
  console.error(`usage: healthcheck.mjs ${Object.keys(targets).join('|')}`);
  process.exit(2);
}
const req = t.mod.get(
  { host: '127.0.0.1', port: Number(t.port), path: '/health', timeout: 4000, rejectUnauthorized: t.rejectUnauthorized },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (err) => {
  console.error(`${svc} /health: ${err.message}`);
  process.exit(1);
});
