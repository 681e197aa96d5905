// Checks a submission's signature with its reader's registered public key (ECDSA P-256,
// SHA-256, r || s as WebCrypto makes it). A P-256 check costs about 100 µs here, more than
// everything else the service does for a reading, and node's own asynchronous verify still
// spends most of it on the event loop when keys vary, so the checks run on threads of their own
// (signatureWorker.mjs, one fewer than cores, at least one): the requests of one event-loop turn
// go to a thread as one batch, and each answer resolves its request.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { signedText } from "../capture/signedSubmission.js";

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
    const batch = this.nextBatch++;
    this.waiting.set(
      batch,
      queued.map((q) => q.resolve),
    );
    this.workers[batch % this.workers.length].postMessage({ batch, jobs: queued.map((q) => q.job) });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
