#!/usr/bin/env node
// The Prosody container's helper, configured by PARLEY_* env (see env-config.ts):
//   node packages/xmpp-config/dist/main.js render > /etc/prosody/prosody.cfg.lua
//   node packages/xmpp-config/dist/main.js accounts [config path]   (bridge and focus accounts)
//   node packages/xmpp-config/dist/main.js health                   (exit 0 when every port accepts TCP)
import { mkdirSync } from 'node:fs';
import { createAccounts } from './accounts.js';
import { prosodyEnvSpec, prosodySettingsFromEnv } from './env-config.js';
import { canConnect, which } from './daemon.js';
import { installProsodyPlugins } from './plugins.js';
import { renderProsodyConfig } from './render.js';
import { prosodyDomains, prosodyPaths } from './settings.js';

const usage = `usage: main.js render | accounts [config path] | health | --help

Settings (environment):
${Object.values(prosodyEnvSpec)
  .map((f) => `  ${f.env.padEnd(26)} ${f.describe}${'default' in f ? ` [default: ${f.default}]` : ' (required)'}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (!cmd || cmd === '--help' || cmd === 'help') {
    console.log(usage);
    return cmd ? 0 : 1;
  }
  const settings = prosodySettingsFromEnv(process.env);
  const paths = prosodyPaths(settings);
  if (cmd === 'render') {
    installProsodyPlugins(settings.dataDir); // the config's plugin_paths points there
    process.stdout.write(renderProsodyConfig(settings));
    return 0;
  }
  if (cmd === 'accounts') {
    const d = prosodyDomains(settings);
    mkdirSync(paths.data, { recursive: true, mode: 0o700 });
    installProsodyPlugins(settings.dataDir); // the config's plugin_paths points there
    await createAccounts({
      accounts: [
        { user: settings.bridgeAccount.username, host: d.auth, password: settings.bridgeAccount.password },
        { user: settings.focusAccount.username, host: d.auth, password: settings.focusAccount.password },
      ],
      dataPath: paths.data,
      configPath: argv[1] ?? '/etc/prosody/prosody.cfg.lua',
      prosodyctl: which('prosodyctl') ?? 'prosodyctl',
    });
    console.error(`xmpp-config: accounts ${d.bridgeJid} and ${d.focusUserJid} are ready`);
    return 0;
  }
  if (cmd === 'health') {
    const ports = [settings.ports.c2s, settings.ports.http, settings.ports.component];
    const ok = await Promise.all(ports.map((p) => canConnect(p, '127.0.0.1', 2000)));
    const down = ports.filter((_, i) => !ok[i]);
    if (down.length) console.error(`prosody: not accepting on 127.0.0.1 port ${down.join(', ')}`);
    return down.length ? 1 : 0;
  }
  console.error(`xmpp-config: unknown command "${cmd}"\n${usage}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`xmpp-config: ${err.message}`);
    process.exit(1);
  },
);
