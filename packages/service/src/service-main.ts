// The `main` of a Parley service process: --help from the config spec, config from flags and env,
// start, stop cleanly on SIGINT/SIGTERM, and a one-line error naming a bad setting. Unhandled
// rejections are logged, not fatal; with PARLEY_PARENT_PID set the process exits when that parent is gone.
import { configHelp, readConfig, ConfigError, type ConfigOf, type Field } from './config.js';
import { createLogger } from './logger.js';
import { handleUnhandledRejections, parentPidFromEnv, watchParent } from './process-guards.js';

export async function runServiceMain<S extends Record<string, Field<unknown>>>(o: {
  name: string;
  description: string;
  spec: S;
  start: (config: ConfigOf<S>) => Promise<{ close(): Promise<void> }>;
}): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(`parley ${o.name}: ${o.description}\n\n${configHelp(o.spec)}`);
    return;
  }
  const log = createLogger(o.name, { write: (l) => process.stderr.write(`${l}\n`) });
  handleUnhandledRejections(log);
  try {
    const parentPid = parentPidFromEnv();
    // Started by `parley start`: leave when it is gone, even if it was killed with -9.
    if (parentPid !== undefined)
      watchParent(parentPid, () => {
        log.warn('process.parent_gone', { parent: parentPid });
        process.exit(1);
      });
    const service = await o.start(readConfig(o.spec, { argv, env: process.env }));
    const stop = () =>
      void service.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    console.error(
      err instanceof ConfigError ? `${o.name}: bad setting: ${err.message}` : `${o.name}: ${(err as Error).message}`,
    );
    process.exit(1);
  }
}
