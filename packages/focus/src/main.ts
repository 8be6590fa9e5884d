#!/usr/bin/env node
// Runs the focus alone: `node dist/main.js --domain meet.example` with PARLEY_FOCUS_SECRET set.
import { configHelp, readConfig, ConfigError } from '@parley/service';
import { focusConfigSpec } from './config.js';
import { startFocus } from './focus-service.js';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(`parley focus: runs conferences over XMPP\n\n${configHelp(focusConfigSpec)}`);
  process.exit(0);
}
try {
  const focus = await startFocus(readConfig(focusConfigSpec, { argv, env: process.env }));
  const stop = () => void focus.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(err instanceof ConfigError ? `focus: bad setting: ${err.message}` : `focus: ${(err as Error).message}`);
  process.exit(1);
}
