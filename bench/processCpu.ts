// What a process of the bench's (the service, a reference server) has used, read from Linux's
// /proc: its CPU seconds, each thread's, the bytes it has had written to storage, and its parent.
import { readFileSync, readdirSync } from "node:fs";

/**
 * A /proc stat file: the command's name and the fields after it (`fields[0]` is the state, field
 * 3 of proc(5)). The name is in parentheses and may itself hold ") ", so it ends at the last one.
 */
function readStat(path: string): { name: string; fields: string[] } {
  const stat = readFileSync(path, "utf8");
  const end = stat.lastIndexOf(")");
  return { name: stat.slice(stat.indexOf("(") + 1, end), fields: stat.slice(end + 2).split(" ") };
}

/** User and system CPU seconds from a stat file's fields (utime and stime, in 10 ms ticks). */
const cpuSeconds = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) / 100;

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSecondsOf(pid: number): number {
  return cpuSeconds(readStat(`/proc/${pid}/stat`).fields);
}

/** The process ID of a process's parent, from /proc. */
export function parentOf(pid: number): number {
  return Number(readStat(`/proc/${pid}/stat`).fields[1]);
}

/** Bytes a process has caused to be written to storage (its page-cache writes, as the kernel counts them), from /proc. */
export function bytesWrittenBy(pid: number): number {
  return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);
}

/** CPU seconds of each of a process's threads, by thread ID, from /proc (a thread that ended is missing). */
export function threadCpuSecondsOf(pid: number): Map<string, { name: string; seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, fields } = readStat(`/proc/${pid}/task/${tid}/stat`);
      threads.set(tid, { name, seconds: cpuSeconds(fields) });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return threads;
}

/** The threads that used the most CPU between two snapshots, as "name µs" a reading. */
export function busiestThreads(before: ReturnType<typeof threadCpuSecondsOf>, after: ReturnType<typeof threadCpuSecondsOf>, readings: number): string {
  return [...after]
    .map(([tid, t]) => ({ name: t.name, seconds: t.seconds - (before.get(tid)?.seconds ?? 0) }))
    .filter((t) => t.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 6)
    .map((t) => `${t.name} ${((t.seconds / readings) * 1e6).toFixed(0)}`)
    .join(", ");
}
