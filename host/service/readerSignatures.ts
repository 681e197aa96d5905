// Checks a submission's signature with its reader's registered public key (ECDSA P-256,
// SHA-256, r || s as WebCrypto makes it). A P-256 check costs about 100 µs here, more than
// everything else the service does for a reading, and node's own asynchronous verify still
// spends most of it on the event loop when keys vary, so the checks run on threads of their own
// (signatureWorker.mjs, one fewer than cores, at least one): the requests of one event-loop turn
// go to the threads in batches of up to 16, and each batch's answers resolve its requests.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { signedText } from "../capture/signedSubmission.js";

/** Checks sent to a thread at once, at most (about 1.2 ms of them). */
const BATCH_CHECKS = 16;

/** What a thread checks: the signed text and the signature as strings (the thread makes the bytes, off the event loop). */
type Job = [readerId: string, jwk: string, signedText: string, signature: string];

export class ReaderSignatures {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, ((ok: boolean) => void)[]>();
  private queued: { job: Job; resolve: (ok: boolean) => void }[] = [];
  private scheduled = false;
  private nextBatch = 0;
  private failure: Error | null = null;

  constructor(threads = Math.max(1, availableParallelism() - 1)) {
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(new URL("./signatureWorker.mjs", import.meta.url));
      worker.on("message", ({ batch, results }: { batch: number; results: boolean[] }) => {
        const resolvers = this.waiting.get(batch)!;
        this.waiting.delete(batch);
        for (let i = 0; i < resolvers.length; i++) resolvers[i](results[i]);
      });
      worker.on("error", (error) => (this.failure = error));
      worker.unref();
      return worker;
    });
  }

  /** True when `signature` (base64url r || s) signs the submission's canonical bytes under the reader's key. */
  verifies(readerId: string, jwk: string, raw: { reader: unknown; counter: unknown; reading: unknown }, signature: string): Promise<boolean> {
    if (this.failure) return Promise.reject(this.failure);
    // 86 base64url characters are the 64 bytes of r || s (the submission schema checks both).
    if (signature.length !== 86) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.queued.push({ job: [readerId, jwk, signedText(raw), signature], resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  private send(): void {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = [];
    // In batches of at most BATCH_CHECKS, each answered as soon as it is checked: a burst (the
    // requests that waited out a garbage collection) goes on to its commit in steps, not all at
    // once after the last check.
    for (let start = 0; start < queued.length; start += BATCH_CHECKS) {
      const part = queued.slice(start, start + BATCH_CHECKS);
      const batch = this.nextBatch++;
      this.waiting.set(
        batch,
        part.map((q) => q.resolve),
      );
      this.workers[batch % this.workers.length].postMessage({ batch, jobs: part.map((q) => q.job) });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
