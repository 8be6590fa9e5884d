// The `main` of a Parley service process: --help from the config spec, config from flags and env,
// start, stop cleanly on SIGINT/SIGTERM, and a one-line error naming a bad setting.
import { configHelp, readConfig, ConfigError, type ConfigOf, type Field } from './config.js';

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
  try {
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
