#!/usr/bin/env node
// parley <command> [flags]: start | doctor | user | token | help
import { configHelp, createLogger, handleUnhandledRejections, readConfig, ConfigError } from '@parley/service';
import { startSpec } from './start-config.js';
import { readyLine, startStack } from './start.js';
import { formatReport, runDoctor } from './doctor/index.js';
import { runTokenCli, runUserCli } from './access-commands.js';

const [command, ...argv] = process.argv.slice(2);

function usage(): string {
  return [
    'usage: parley start [flags]    (npm start -- [flags])',
    '       parley doctor [flags]   (node packages/cli/dist/main.js doctor [flags])',
    '       parley user add NAME | remove NAME | list [flags]   (accounts that start meetings with --auth login;',
    '         add reads the password from stdin)',
    '       parley token --room ROOM [--name NAME] [--moderator] [--ttl 1h] [--private-key FILE] [flags]',
    '         (prints an invite link with a token, for --auth token)',
    '',
    'start: runs Prosody, the bridge and the focus with secrets generated in the data dir; Ctrl-C stops everything.',
    'doctor: checks a stack started with the same flags (Prosody, focus, bridge, WebSocket, BOSH, certificate,',
    '  media port, advertised addresses, ICE-TCP, clock, free ports, outside addresses); one line per check with',
    '  the fix for each failure; --json prints {ok, checks:[{id, status, summary, fix?}]}. Exit 0 unless a check FAILs.',
    configHelp(startSpec),
  ].join('\n');
}

async function start(): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  const config = readConfig(startSpec, { argv, env: process.env });
  // One forgotten .catch in a library must not take the web app, the focus and the bridge down with it.
  handleUnhandledRejections(createLogger('parley', { write: (l) => process.stderr.write(`${l}\n`) }));
  // Signals are taken before anything starts: a Ctrl-C during start-up still stops what started.
  let stopRequested: string | undefined;
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  const stop = (signal: string) => {
    process.stderr.write(`parley: ${signal}, stopping\n`);
    stopRequested = signal;
    if (stack)
      void stack.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  stack = await startStack(config);
  if (stopRequested) return stop(stopRequested);
  console.log(readyLine(stack.info, config.json));
}

async function doctor(): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return;
  }
  const config = readConfig(startSpec, { argv, env: process.env });
  const report = await runDoctor(config);
  console.log(formatReport(report, config.json));
  process.exitCode = report.ok ? 0 : 1;
}

try {
  if (command === 'start') await start();
  else if (command === 'doctor') await doctor();
  else if (command === 'user') process.exitCode = await runUserCli(argv);
  else if (command === 'token') process.exitCode = await runTokenCli(argv);
  else if (!command || command === 'help' || command === '--help') console.log(usage());
  else {
    console.error(`parley: unknown command "${command}"\n\n${usage()}`);
    process.exit(2);
  }
} catch (err) {
  console.error(
    err instanceof ConfigError ? `parley: bad setting: ${err.message}` : `parley: ${(err as Error).message}`,
  );
  process.exit(1);
}
