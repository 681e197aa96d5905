// Worker threads that verify slices while the calling thread, which holds the database's one
// write transaction, stays synchronous: results come back on per-worker MessagePorts read with
// receiveMessageOnPort, and a shared counter (Atomics.wait/notify) wakes the caller.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { VerifyResult, VerifyTask, VerifyWorkerData } from "./verifyWorker.js";
import type { Slice, SliceOutcome } from "./sliceVerifier.js";
import type { VerifierSettings } from "./settings.js";
import { SIGNAL_LENGTH, SIGNAL_PROGRESS, SIGNAL_RESULTS } from "./verifySignal.js";
import { verifiedWorkerScript, verifyWorkerScript } from "./verifyWorkerScript.js";

/**
 * Workers that neither answer nor report progress (one tick per provider–client pair verified)
 * for this long are taken as dead: a worker stopped by the runtime (out of memory) posts nothing.
 */
const SILENCE_LIMIT_MS = 300_000;

/**
 * A larger young generation than V8's default: a worker allocates short-lived rows, verdicts and
 * MAC buffers per reading, and fewer, larger scavenges cost less CPU (measured about 15% on
 * the bench's slices).
 */
const YOUNG_GENERATION_MB = 192;

export interface WorkerPoolConfig {
  dbPath: string;
  keys: [number, Uint8Array][];
  settings: VerifierSettings;
  runId: number;
  /** The worker script (default: verifyWorkerScript()). */
  script?: URL;
}

export class VerifyWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4 * SIGNAL_LENGTH));
  /** Slices sent to each worker and not yet answered. */
  private readonly pending: number[];

  constructor(count: number, config: WorkerPoolConfig) {
    const { script: chosen, ...shared } = config;
    // Checked against the bundle's hash here, just before the master keys go to it.
    const script = verifiedWorkerScript(chosen ?? verifyWorkerScript());
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const data: VerifyWorkerData = { ...shared, results: port2, signal: this.signal };
      this.workers.push(new Worker(script, { workerData: data, transferList: [port2], execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
      this.ports.push(port1);
    }
    this.pending = new Array<number>(count).fill(0);
  }

  get size(): number {
    return this.workers.length;
  }

  /** The worker with the fewest slices outstanding. */
  leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.pending.length; i++) if (this.pending[i] < this.pending[best]) best = i;
    return best;
  }

  outstanding(worker: number): number {
    return this.pending[worker];
  }

  send(worker: number, slice: number, components: Slice): void {
    this.pending[worker]++;
    this.workers[worker].postMessage({ slice, components } satisfies VerifyTask);
  }

  /** A worker's answer if one is waiting (its outcome, or throws its error), else null. */
  poll(): { worker: number; slice: number; outcome: SliceOutcome } | null {
    for (let w = 0; w < this.ports.length; w++) {
      const message = receiveMessageOnPort(this.ports[w]);
      if (!message) continue;
      const result = message.message as VerifyResult;
      this.pending[w]--;
      if ("error" in result) throw new Error(`verification worker ${w} failed on slice ${result.slice}: ${result.error}`);
      return { worker: w, slice: result.slice, outcome: result.outcome };
    }
    return null;
  }

  /** Blocks until some worker answers; returns the worker and its outcome, or throws its error. */
  receive(): { worker: number; slice: number; outcome: SliceOutcome } {
    let quietSince = performance.now();
    let progress = Atomics.load(this.signal, SIGNAL_PROGRESS);
    for (;;) {
      const seen = Atomics.load(this.signal, SIGNAL_RESULTS);
      const answer = this.poll();
      if (answer) return answer;
      if (Atomics.wait(this.signal, SIGNAL_RESULTS, seen, 1000) === "timed-out") {
        const now = Atomics.load(this.signal, SIGNAL_PROGRESS);
        if (now !== progress) (progress = now), (quietSince = performance.now());
        else if (performance.now() - quietSince > SILENCE_LIMIT_MS) throw new Error(`verification workers silent for ${SILENCE_LIMIT_MS / 1000} s`);
      }
    }
  }

  close(): void {
    for (const w of this.workers) {
      w.postMessage({ stop: true } satisfies VerifyTask);
      void w.terminate();
    }
    for (const p of this.ports) p.close();
  }
}
