// What a process of the bench's (the service, a reference server) has used, read from Linux's
// /proc: its CPU seconds, each thread's, and the bytes it has had written to storage.
import { readFileSync, readdirSync } from "node:fs";

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
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
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const fields = stat.split(") ")[1].split(" ");
      threads.set(tid, { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
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
