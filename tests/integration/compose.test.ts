// compose/: Debian's docker-compose (1.29) validates and renders the stack without an engine,
// and the rendered stack agrees with the services' own config specs and deploy-config.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeConfigSpec } from '@parley/bridge';
import { COMPOSE, deployEnvNames, secretEnvNames, splitSecretEnv, toServiceEnv, type ServiceName } from '@parley/cli';
import { focusAccessSpec, focusConfigSpec } from '@parley/focus';
import type { Field } from '@parley/service';
import { webConfigSpec } from '@parley/web';
import { prosodyEnvSpec } from '@parley/xmpp-config';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeDir = join(root, 'compose');
const composeFile = join(composeDir, 'docker-compose.yml');
const envExample = join(composeDir, '.env.example');
const INSTALL_HINT = 'docker-compose is not installed: apt-get install -y docker-compose (or bash setup.sh)';

/** docker-compose with a clean environment: the host's TZ, DOMAIN... must not leak into the render. */
function compose(args: string[], envFile = envExample, file = composeFile) {
  const r = spawnSync('docker-compose', ['-f', file, '--env-file', envFile, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    timeout: 30_000,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') assert.fail(INSTALL_HINT);
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---- A reader for the YAML subset `docker-compose config` prints (PyYAML block style). ----
type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };
interface Line {
  indent: number;
  text: string;
}

function scalar(s: string): Yaml {
  const t = s.trim();
  if (t === '{}') return {};
  if (t === '[]') return [];
  if (t === 'null' || t === '~' || t === '') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^'.*'$/s.test(t)) return t.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/s.test(t)) return JSON.parse(t) as string;
  if (/^-?\d+$/.test(t)) return Number(t);
  return t;
}

function splitKey(text: string): [string, string] | undefined {
  const m = /^('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^'"][^:]*?):(?: (.*))?$/.exec(text);
  if (!m) return undefined;
  return [String(scalar(m[1])), m[2] ?? ''];
}

export function parseYaml(src: string): Yaml {
  const lines: Line[] = src
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  let i = 0;
  function block(indent: number): Yaml {
    if (i >= lines.length) return null;
    return lines[i].text.startsWith('- ') || lines[i].text === '-' ? seq(lines[i].indent) : map(indent);
  }
  function map(indent: number): Yaml {
    const out: Record<string, Yaml> = {};
    while (i < lines.length && lines[i].indent === indent && !lines[i].text.startsWith('- ')) {
      const kv = splitKey(lines[i].text);
      if (!kv) throw new Error(`yaml: cannot read line ${JSON.stringify(lines[i].text)}`);
      i++;
      const [k, rest] = kv;
      if (rest !== '') out[k] = scalar(rest);
      else if (
        i < lines.length &&
        (lines[i].indent > indent || (lines[i].indent === indent && lines[i].text.startsWith('- ')))
      )
        out[k] = block(lines[i].indent);
      else out[k] = null;
    }
    return out;
  }
  function seq(indent: number): Yaml {
    const out: Yaml[] = [];
    while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('- ')) {
      const item = lines[i].text.slice(2);
      const kv = /^['"]/.test(item) ? undefined : splitKey(item);
      if (kv) {
        // A mapping item: its first key sits after "- ", the rest at indent + 2.
        lines[i] = { indent: indent + 2, text: item };
        out.push(map(indent + 2));
      } else {
        out.push(scalar(item));
        i++;
      }
    }
    return out;
  }
  return block(0);
}

type Obj = { [k: string]: Yaml };
const obj = (v: Yaml | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

function rendered(envFile = envExample, extra: string[] = []): Obj {
  const r = compose([...extra, 'config'], envFile);
  assert.equal(r.code, 0, r.stderr);
  return obj(parseYaml(r.stdout));
}

function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const specs: Record<ServiceName, { env: string; required: boolean }[]> = {
  prosody: Object.values(prosodyEnvSpec).map((f) => ({ env: f.env, required: !('default' in f) })),
  // The focus's main.ts reads both specs (access: PARLEY_AUTH, PARLEY_TOKEN_*).
  focus: (Object.values({ ...focusConfigSpec, ...focusAccessSpec }) as Field<unknown>[])
    .filter((f) => f.env)
    .map((f) => ({ env: f.env!, required: !!f.required })),
  bridge: (Object.values(bridgeConfigSpec) as Field<unknown>[])
    .filter((f) => f.env)
    .map((f) => ({ env: f.env!, required: !!f.required })),
  web: (Object.values(webConfigSpec) as Field<unknown>[])
    .filter((f) => f.env)
    .map((f) => ({ env: f.env!, required: !!f.required })),
};
const SERVICES: ServiceName[] = ['prosody', 'focus', 'bridge', 'web'];

function serviceEnv(c: Obj, svc: string): Record<string, string> {
  const env = obj(obj(obj(c.services)[svc]).environment);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

test('docker-compose validates the stack with .env.example', () => {
  const r = compose(['config', '-q']);
  assert.equal(r.code, 0, `docker-compose config -q failed:\n${r.stderr}`);
  const turn = compose(['--profile', 'turn', 'config', '-q']);
  assert.equal(turn.code, 0, turn.stderr);
});

test('a broken copy (bad key) fails and names the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
  try {
    const broken = readFileSync(composeFile, 'utf8').replace(/^( {4})command: \["web"\]$/m, '$1commandd: ["web"]');
    assert.notEqual(broken, readFileSync(composeFile, 'utf8'), 'the web service has command: ["web"]');
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, broken);
    const r = compose(['config', '-q'], envExample, file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /services\.web: 'commandd'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty ADVERTISE stops compose with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
  try {
    const env = join(dir, '.env');
    writeFileSync(env, readFileSync(envExample, 'utf8').replace(/^ADVERTISE=.*$/m, 'ADVERTISE='));
    const r = compose(['config', '-q'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ADVERTISE must be this host's LAN address/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('services, volumes and the turn profile', () => {
  // docker-compose 1.29 lists profiled services too; coturn's profile is checked below.
  assert.deepEqual(compose(['config', '--services']).stdout.trim().split('\n').sort(), [
    'bridge',
    'coturn',
    'focus',
    'grafana',
    'init',
    'prometheus',
    'prosody',
    'web',
  ]);
  assert.deepEqual(compose(['config', '--volumes']).stdout.trim().split('\n').sort(), [
    'grafana-data',
    'parley-recordings',
    'parley-state',
    'prometheus-data',
    'prosody-data',
  ]);
  const c = rendered(envExample, ['--profile', 'turn']);
  assert.deepEqual(obj(obj(c.services).coturn).profiles, ['turn']);
  for (const svc of ['prosody', 'focus', 'bridge', 'web']) {
    const s = obj(obj(c.services)[svc]);
    assert.ok(s.healthcheck, `${svc} has a healthcheck`);
    assert.ok(!s.network_mode, `${svc}: no network_mode (host networking is not portable)`);
  }
  // The bridge records into a volume of its own, with the ffmpeg the image installs.
  const bridgeVolumes = obj(obj(c.services).bridge).volumes as unknown[];
  assert.ok(
    JSON.stringify(bridgeVolumes).includes('/var/lib/parley/recordings'),
    `the bridge mounts the recordings volume: ${JSON.stringify(bridgeVolumes)}`,
  );
  assert.match(readFileSync(join(dirname(composeFile), 'Dockerfile'), 'utf8'), /apt-get install[^\n]*\bffmpeg\b/);
  const init = obj(obj(c.services).init);
  assert.equal(init.restart, 'no');
  for (const svc of ['prosody', 'coturn'])
    assert.deepEqual(obj(obj(obj(c.services)[svc]).depends_on).init, { condition: 'service_completed_successfully' });
  for (const svc of ['focus', 'bridge', 'web'])
    assert.deepEqual(obj(obj(obj(c.services)[svc]).depends_on).prosody, { condition: 'service_healthy' });
});

test('each service gets exactly what its config spec reads, and everything it requires', () => {
  const c = rendered();
  for (const svc of SERVICES) {
    const given = serviceEnv(c, svc);
    const known = new Set([...specs[svc].map((f) => f.env), 'TZ']);
    for (const k of Object.keys(given))
      assert.ok(known.has(k), `${svc}: ${k} is given but ${svc}'s config spec does not read it`);
    for (const k of secretEnvNames[svc])
      assert.ok(!(k in given), `${svc}: the secret ${k} must come from the init service, not compose`);
    const fromInit = new Set(secretEnvNames[svc]);
    for (const f of specs[svc])
      if (f.required) assert.ok(f.env in given || fromInit.has(f.env), `${svc}: requires ${f.env} and nobody gives it`);
  }
  // The init service gets the deploy settings, and only those.
  const initEnv = serviceEnv(c, 'init');
  assert.deepEqual(Object.keys(initEnv).sort(), [...deployEnvNames].sort());
});

test('compose gives each service what toServiceEnv computes (with .env.example and with defaults)', () => {
  const envs = [readEnvFile(envExample), { ADVERTISE: '10.1.2.3' }];
  const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
  try {
    for (const [n, env] of envs.entries()) {
      const file = join(dir, `env${n}`);
      writeFileSync(
        file,
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      const c = rendered(file);
      const expected = toServiceEnv(env, null);
      for (const svc of SERVICES)
        assert.deepEqual(
          serviceEnv(c, svc),
          splitSecretEnv(svc, expected[svc]).plain,
          `${svc} with ${JSON.stringify(env)}`,
        );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('published ports equal the .env values and the ports the services are told to use', () => {
  const env = readEnvFile(envExample);
  const c = rendered();
  const ports = (svc: string) => ((obj(obj(c.services)[svc]).ports as Yaml[] | undefined) ?? []).map((p) => obj(p));
  const bridge = serviceEnv(c, 'bridge');
  const web = serviceEnv(c, 'web');
  const expect = (svc: string, protocol: string, value: string, told: string) => {
    assert.equal(value, told, `${svc}: .env says ${value}, the service is told ${told}`);
    const p = ports(svc).find((x) => x.protocol === protocol && String(x.target) === value);
    assert.ok(p, `${svc}: ${value}/${protocol} is published`);
    assert.equal(String(p.published), value, `${svc}: ${value}/${protocol} is published on the same port`);
  };
  expect('bridge', 'udp', env.MEDIA_PORT, bridge[bridgeConfigSpec.mediaPort.env!]);
  expect('bridge', 'tcp', env.TCP_PORT, bridge[bridgeConfigSpec.tcpPort.env!]);
  expect('web', 'tcp', env.HTTPS_PORT, web[webConfigSpec.httpsPort.env!]);
  expect('web', 'tcp', env.HTTP_PORT, web[webConfigSpec.httpPort.env!]);
  assert.equal(ports('bridge').length, 2);
  assert.equal(ports('web').length, 2);
  for (const svc of ['prosody', 'focus', 'init']) assert.equal(ports(svc).length, 0, `${svc} publishes nothing`);
  assert.equal(bridge[bridgeConfigSpec.advertise.env!], env.ADVERTISE, 'the bridge advertises ADVERTISE');
  const turn = rendered(envExample, ['--profile', 'turn']);
  const coturn = (obj(obj(turn.services).coturn).ports as Yaml[]).map((p) => obj(p));
  for (const protocol of ['udp', 'tcp'])
    assert.ok(
      coturn.some(
        (p) => p.protocol === protocol && String(p.published) === env.TURN_PORT && String(p.target) === env.TURN_PORT,
      ),
    );
});

test('TZ reaches every service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
  try {
    const file = join(dir, '.env');
    writeFileSync(file, readFileSync(envExample, 'utf8').replace(/^TZ=.*$/m, 'TZ=Asia/Shanghai'));
    const c = rendered(file, ['--profile', 'turn']);
    for (const svc of Object.keys(obj(c.services)))
      assert.equal(serviceEnv(c, svc).TZ, 'Asia/Shanghai', `${svc} gets TZ`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.env.example holds exactly the deploy settings and no secret', () => {
  const env = readEnvFile(envExample);
  assert.deepEqual(Object.keys(env).sort(), [...deployEnvNames].sort());
  // TOKEN_AUDIENCE and TOKEN_ISSUER name claims a token must carry, not a key.
  const claims = new Set(['TOKEN_AUDIENCE', 'TOKEN_ISSUER']);
  for (const k of Object.keys(env))
    if (!claims.has(k)) assert.doesNotMatch(k, /SECRET|PASSWORD|TOKEN|KEY/, `${k} looks like a secret`);
});

test('no secret value and no external address in compose/', () => {
  // 255.255.255.255: the top of coturn's deny-all range (denied-peer-ip), not an address contacted.
  const allowedIps = new Set(['127.0.0.1', '0.0.0.0', '192.0.2.10', '255.255.255.255']);
  // Compose's own service names (the monitoring profile's Grafana reaches its Prometheus by name).
  const allowedHosts = new Set(['prosody', 'prometheus', '127.0.0.1', '0.0.0.0', 'localhost']);
  const secretNames = new Set(Object.values(secretEnvNames).flat());
  for (const file of filesUnder(composeDir)) {
    const name = relative(root, file);
    const text = readFileSync(file, 'utf8');
    // Secret variables are only ever read (from /run/parley/env), never assigned a value here.
    for (const s of secretNames)
      assert.doesNotMatch(text, new RegExp(`${s}\\s*[:=]\\s*['"]?[A-Za-z0-9_-]{8,}`), `${name} assigns ${s}`);
    assert.doesNotMatch(
      text,
      /(secret|password)\s*[:=]\s*['"]?[A-Za-z0-9+/_-]{12,}/i,
      `${name} holds a secret-looking value`,
    );
    assert.doesNotMatch(text, /-----BEGIN/, `${name} holds a key or certificate`);
    for (const m of text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})\b/g))
      assert.ok(allowedIps.has(m[1]), `${name}: address ${m[1]} is not allowed`);
    for (const m of text.matchAll(/\b([a-z][a-z0-9+.-]*):\/\/([^/\s:'"]+)/gi)) {
      assert.ok(
        allowedHosts.has(m[2]) || m[2].startsWith('$') || m[2].startsWith('<'),
        `${name}: ${m[0]} is an external address`,
      );
    }
    assert.doesNotMatch(text, /stun:|turn:\/\/|\bstun\./i, `${name} names a STUN server`);
  }
  // 192.0.2.10 (documentation range) may only be the .env.example placeholder.
  for (const file of filesUnder(composeDir).filter((f) => !f.endsWith('.env.example')))
    assert.doesNotMatch(readFileSync(file, 'utf8'), /192\.0\.2\./);
});

test('monitoring profile: Prometheus scrapes each service where it serves /metrics; the dashboard uses real metrics', () => {
  const prom = readFileSync(join(composeDir, 'monitoring', 'prometheus.yml'), 'utf8');
  const targets = [...prom.matchAll(/"([a-z]+):(\d+)"/g)].map((m) => `${m[1]}:${m[2]}`).sort();
  assert.deepEqual(targets, [
    `bridge:${COMPOSE.bridgeHttpPort}`,
    `focus:${COMPOSE.focusHttpPort}`,
    `web:${webConfigSpec.metricsPort.default}`,
  ]);
  // With METRICS_BIND=0.0.0.0 every service serves /metrics on the compose network.
  const file = join(mkdtempSync(join(tmpdir(), 'parley-compose-')), '.env');
  writeFileSync(file, readFileSync(envExample, 'utf8').replace(/^METRICS_BIND=.*$/m, 'METRICS_BIND=0.0.0.0'));
  const c = rendered(file, ['--profile', 'monitoring']);
  assert.equal(serviceEnv(c, 'focus').PARLEY_FOCUS_HTTP_HOST, '0.0.0.0');
  assert.equal(serviceEnv(c, 'bridge').PARLEY_BRIDGE_HTTP_HOST, '0.0.0.0');
  assert.equal(serviceEnv(c, 'web').PARLEY_WEB_METRICS_HOST, '0.0.0.0');
  rmSync(dirname(file), { recursive: true, force: true });
  // Every Parley metric a panel asks for is one docs/metrics.md lists (and a real stack exports:
  // metrics-doc.test.ts).
  const dashboard = readFileSync(join(composeDir, 'monitoring', 'grafana', 'dashboards', 'parley.json'), 'utf8');
  const documented = readFileSync(join(root, 'docs', 'metrics.md'), 'utf8');
  const asked = new Set([...dashboard.matchAll(/\b(parley_[a-z_]+)/g)].map((m) => m[1]));
  assert.ok(asked.size >= 15, `${asked.size} metrics on the dashboard`);
  for (const name of asked) assert.match(documented, new RegExp(`\`${name}\``), `${name} is not a documented metric`);
});
