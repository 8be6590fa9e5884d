import { test } from 'node:test';
import assert from 'node:assert/strict';
import { field, readConfig, ConfigError, configHelp } from './config.js';

const spec = {
  domain: field.string({ describe: 'XMPP domain', flag: 'domain', env: 'PARLEY_DOMAIN', default: 'meet.parley.local' }),
  port: field.port({ describe: 'HTTP port', flag: 'port', env: 'PARLEY_PORT', default: 8443 }),
  json: field.bool({ describe: 'print JSON', flag: 'json', default: false }),
  level: field.oneOf(['debug', 'info'] as const, { describe: 'log level', flag: 'log-level', default: 'info' }),
  advertise: field.list({ describe: 'addresses', env: 'PARLEY_ADVERTISE', default: [] }),
  secret: field.string({ describe: 'component secret', env: 'PARLEY_SECRET', required: true }),
};

test('flags beat env, env beats defaults', () => {
  const c = readConfig(spec, {
    argv: ['--port', '9000', '--json', '--log-level=debug'],
    env: {
      PARLEY_PORT: '7000',
      PARLEY_DOMAIN: 'x.example',
      PARLEY_ADVERTISE: '10.0.0.1, 10.0.0.2',
      PARLEY_SECRET: 's',
    },
  });
  assert.deepEqual(c, {
    domain: 'x.example',
    port: 9000,
    json: true,
    level: 'debug',
    advertise: ['10.0.0.1', '10.0.0.2'],
    secret: 's',
  });
});

test('errors name the setting and the bad value', () => {
  const env = { PARLEY_SECRET: 's' };
  assert.throws(() => readConfig(spec, { argv: ['--port', '70000'], env }), /--port: "70000" is not a port/);
  assert.throws(() => readConfig(spec, { env: { ...env, PARLEY_PORT: 'abc' } }), /PARLEY_PORT: "abc" is not a port/);
  assert.throws(() => readConfig(spec, { argv: ['--colour', 'red'], env }), /unknown flag --colour/);
  assert.throws(
    () => readConfig(spec, { argv: ['--log-level', 'loud'], env }),
    /--log-level: "loud" is not one of debug, info/,
  );
  assert.throws(() => readConfig(spec, { argv: ['--port'], env }), /--port needs a value/);
  assert.throws(
    () => readConfig(spec, {}),
    (e: unknown) => e instanceof ConfigError && /missing setting "secret".*PARLEY_SECRET/.test(e.message),
  );
  assert.throws(() => readConfig(spec, { values: { domian: 'x' }, env }), /unknown setting "domian"/);
});

test('help lists every flag with its default', () => {
  const help = configHelp(spec);
  assert.match(help, /--port <port>\s+\(PARLEY_PORT\)\s+HTTP port \[default: 8443\]/);
  assert.match(help, /--log-level <debug\|info>/);
});
