// Process-wide safety nets every Parley process installs (each service main and `parley start`):
// - an unhandled promise rejection is logged as `process.unhandled_rejection` and the process keeps
//   serving (Node's default is to exit, taking every conference with it: one forgotten `.catch` in
//   a library must not end a meeting);
// - a child started by `parley start` watches its parent and exits when it is gone, so nothing
//   outlives a `kill -9` of start (Linux's PR_SET_PDEATHSIG is not reachable from Node).
import type { Logger } from './logger.js';

let rejectionLog: Logger | undefined;

function onUnhandledRejection(reason: unknown): void {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  rejectionLog?.error('process.unhandled_rejection', { error: error.message, stack: error.stack });
}

/** Logs unhandled rejections instead of exiting. Idempotent; the latest logger wins. */
export function handleUnhandledRejections(log: Logger): void {
  rejectionLog = log;
  if (!process.listeners('unhandledRejection').includes(onUnhandledRejection))
    process.on('unhandledRejection', onUnhandledRejection);
}

/** The environment variable `parley start` sets on its Node children: its own pid. */
export const PARENT_PID_ENV = 'PARLEY_PARENT_PID';

export interface ParentWatch {
  stop(): void;
}

/**
 * Calls onGone once the process `parentPid` has exited (our ppid changed: we were re-parented, or
 * it no longer exists). Polls every intervalMs; the timer does not keep the process alive.
 */
export function watchParent(parentPid: number, onGone: () => void, intervalMs = 500): ParentWatch {
  const alive = () => {
    if (process.ppid !== parentPid) return false;
    try {
      process.kill(parentPid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (alive()) return;
    if (timer) clearInterval(timer);
    timer = undefined;
    onGone();
  };
  timer = setInterval(check, intervalMs);
  timer.unref();
  check();
  return {
    stop: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/** The parent pid from PARLEY_PARENT_PID, or undefined when unset; throws when it is not a pid. */
export function parentPidFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[PARENT_PID_ENV];
  if (v === undefined || v === '') return undefined;
  const pid = Number(v);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${PARENT_PID_ENV}: "${v}" is not a process id`);
  return pid;
}
