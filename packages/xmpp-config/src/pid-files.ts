// Pid files of the processes `parley start` runs, in <data dir>/run/<name>.pid: the next start of
// the same data dir ends whatever the last one left behind (after a `kill -9` of start, or a crash)
// before it binds its ports. A pid is only trusted together with the process's start time (Linux
// /proc/<pid>/stat field 22), so a recycled pid that now belongs to someone else is never signalled.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PidRecord {
  pid: number;
  /** clock ticks since boot at which the process started (/proc/<pid>/stat field 22) */
  startTime: string;
  /** what it was, for messages: "prosody", "bridge jvb-2" */
  what: string;
}

export function runDir(dataDir: string): string {
  return join(dataDir, 'run');
}

/** A live process's start time from /proc; undefined when it is gone, a zombie, or this is not Linux. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process in the record is still the one that was recorded. */
export function isRecordedProcessAlive(r: PidRecord): boolean {
  const now = processStartTime(r.pid);
  return now !== undefined && now === r.startTime;
}

export function writePidFile(dataDir: string, name: string, pid: number, what = name): string {
  const dir = runDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.pid`);
  const record: PidRecord = { pid, startTime: processStartTime(pid) ?? '', what };
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return file;
}

export function readPidFile(file: string): PidRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
    return Number.isInteger(r.pid) && r.pid > 1 ? r : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ends every process a previous run recorded in <data dir>/run (except `keep`, e.g. start's own
 * file, handled by the caller): SIGTERM, then SIGKILL after graceMs. Returns what it ended.
 */
export async function endStaleProcesses(
  dataDir: string,
  opts: { keep?: string[]; graceMs?: number } = {},
): Promise<PidRecord[]> {
  const dir = runDir(dataDir);
  if (!existsSync(dir)) return [];
  const ended: PidRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.pid') || opts.keep?.includes(name)) continue;
    const file = join(dir, name);
    const r = readPidFile(file);
    if (r && isRecordedProcessAlive(r)) {
      await endProcess(r, opts.graceMs ?? 3000);
      ended.push(r);
    }
    removePidFile(file);
  }
  return ended;
}

/** SIGTERM, wait up to graceMs for it to go, then SIGKILL and wait (bounded) until it is gone. */
export async function endProcess(r: PidRecord, graceMs = 3000): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(r.pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  for (const deadline = Date.now() + graceMs; isRecordedProcessAlive(r) && Date.now() < deadline; ) await sleep(50);
  if (!isRecordedProcessAlive(r)) return;
  signal('SIGKILL');
  for (const deadline = Date.now() + 5000; isRecordedProcessAlive(r) && Date.now() < deadline; ) await sleep(50);
}
