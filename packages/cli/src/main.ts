#!/usr/bin/env node
// parley <command> [flags]: start | help
import { configHelp, readConfig, ConfigError } from '@parley/service';
import { startSpec } from './start-config.js';
import { readyLine, startStack } from './start.js';

const [command, ...argv] = process.argv.slice(2);

function usage(): string {
  return [
    'usage: parley start [flags]   (npm start -- [flags])',
    '',
    'start: runs Prosody and the focus with secrets generated in the data dir; Ctrl-C stops everything.',
    configHelp(startSpec),
  ].join('\n');
}

async function start(): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  const config = readConfig(startSpec, { argv, env: process.env });
  const stack = await startStack(config);
  console.log(readyLine(stack.info, config.json));
  const stop = (signal: string) => {
    process.stderr.write(`parley: ${signal}, stopping\n`);
    void stack.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

try {
  if (command === 'start') await start();
  else if (!command || command === 'help' || command === '--help') console.log(usage());
  else {
    console.error(`parley: unknown command "${command}"\n\n${usage()}`);
    process.exit(2);
  }
} catch (err) {
  console.error(err instanceof ConfigError ? `parley: bad setting: ${err.message}` : `parley: ${(err as Error).message}`);
  process.exit(1);
}
