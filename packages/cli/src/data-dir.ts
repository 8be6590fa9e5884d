// The data dir's layout is versioned so that a newer release can start on what an older one wrote
// (secrets, the local CA, Prosody's accounts, TURN state) and an older release refuses what a newer
// one wrote instead of misreading it. `<data dir>/layout.json` holds the number; a data dir without
// it but with secrets.json was written before the number existed (layout 0).
//
// Layouts (docs/operations.md keeps the same list for operators):
//   0  secrets.json, certs/, prosody/, turn/, run/ (and env/ in a compose state volume); no layout.json
//   1  the same, plus layout.json
// A change to where or how anything is stored adds a layout and a migration below, with a test that
// starts on a data dir of the previous layout.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@parley/service';

export const DATA_DIR_LAYOUT = 1;
const FILE = 'layout.json';

interface Migration {
  from: number;
  describe: string;
  run(dir: string): void;
}

/** One step per layout change, in order; each takes `from` to `from + 1`. */
const MIGRATIONS: Migration[] = [
  // Layout 0 stored everything where layout 1 does; secrets.json's keys added since are generated
  // by loadOrCreateSecrets itself. Nothing moves: the step only records the layout.
  { from: 0, describe: 'record the layout number (nothing moves)', run: () => {} },
];

export interface DataDirLayout {
  /** The layout found before this start (0: written before layouts were numbered; undefined: a new dir). */
  found: number | undefined;
  /** The layouts migrated through on this start, e.g. [0] for 0 → 1. */
  migrated: number[];
}

/** Reads the data dir's layout, migrates an older one, and refuses one written by a newer release. */
export function prepareDataDir(dir: string, log?: Logger): DataDirLayout {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const found = readLayout(dir);
  if (found !== undefined && found > DATA_DIR_LAYOUT)
    throw new Error(
      `the data dir ${dir} has layout ${found}, written by a newer Parley; this release reads layouts up to ` +
        `${DATA_DIR_LAYOUT}. Run the newer release, or restore the backup taken before the upgrade ` +
        '(docs/operations.md)',
    );
  const migrated: number[] = [];
  for (let layout = found ?? DATA_DIR_LAYOUT; layout < DATA_DIR_LAYOUT; layout++) {
    const step = MIGRATIONS.find((m) => m.from === layout);
    if (!step) throw new Error(`no migration of the data dir ${dir} from layout ${layout} (a bug: please report)`);
    step.run(dir);
    migrated.push(layout);
    log?.info('data_dir.migrated', { dir, from: layout, to: layout + 1, step: step.describe });
  }
  if (found !== DATA_DIR_LAYOUT) writeLayout(dir);
  return { found, migrated };
}

function readLayout(dir: string): number | undefined {
  const path = join(dir, FILE);
  if (!existsSync(path)) return existsSync(join(dir, 'secrets.json')) ? 0 : undefined;
  let layout: unknown;
  try {
    layout = (JSON.parse(readFileSync(path, 'utf8')) as { layout?: unknown }).layout;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); it should be {"layout": <number>}`);
  }
  if (typeof layout !== 'number' || !Number.isInteger(layout) || layout < 0)
    throw new Error(`${path}: "layout" must be a whole number >= 0, not ${JSON.stringify(layout)}`);
  return layout;
}

/** Written to a temporary file and renamed, so a crash never leaves a half-written layout.json. */
function writeLayout(dir: string): void {
  const path = join(dir, FILE);
  const text = JSON.stringify({ layout: DATA_DIR_LAYOUT, note: 'the data dir layout (docs/operations.md)' }) + '\n';
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}
