import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc (0 when unreadable, e.g. not Linux). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `everyMs` and keeps the peak; `stop()` returns it in MiB. */
export function sampleRss(pid: number, everyMs = 100): { peakMiB(): number; stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssOf(pid));
  }, everyMs);
  timer.unref();
  const mib = () => Math.round((peak / 1048576) * 10) / 10;
  return {
    peakMiB: mib,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssOf(pid));
      return mib();
    },
  };
}
