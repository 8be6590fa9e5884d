// Free space where recordings go: checked before a recording starts and while it runs.
import { statfsSync } from 'node:fs';

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export const mib = (bytes: number): number => Math.floor(bytes / (1024 * 1024));
