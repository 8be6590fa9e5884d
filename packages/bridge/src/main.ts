#!/usr/bin/env node
// Runs one bridge process: `node dist/main.js --domain meet.example` with PARLEY_BRIDGE_PASSWORD set.
import { configHelp, readConfig, ConfigError } from '@parley/service';
import { bridgeConfigSpec } from './config.js';
import { startBridge } from './bridge-service.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(`parley bridge: forwards media (SFU)\n\n${configHelp(bridgeConfigSpec)}`);
  process.exit(0);
}
try {
  const bridge = await startBridge(readConfig(bridgeConfigSpec, { argv, env: process.env }));
  const stop = () => void bridge.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(err instanceof ConfigError ? `bridge: bad setting: ${err.message}` : `bridge: ${(err as Error).message}`);
  process.exit(1);
}
