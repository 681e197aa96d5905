// The reader's durable outbox: signed submissions wait here (JSON Lines, 0600, each appended with
// one write and fsync'd) until the service has acknowledged them. Sending goes in order and stops
// at the first failure to reach the service; what the service stored (201, or 200: it had it
// already) leaves the queue, what it refused for good (4xx but 429) moves to <queue>.refused.jsonl
// with the reason, and the rest stays. The queue is rewritten atomically after each send.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync, constants } from "node:fs";
import { signedSubmission, type SignedSubmission } from "../capture/signedSubmission.js";
import { writeFileAtomic } from "../keystore/atomicWrite.js";
import { ServiceUnreachable, type IntakeClient } from "./intakeClient.js";

export const queuePathOf = (keyPath: string): string => keyPath.replace(/\.json$/, "") + ".queue.jsonl";

export function appendLine(path: string, line: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  try {
    writeSync(fd, line.endsWith("\n") ? line : line + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function enqueue(queuePath: string, submission: SignedSubmission): void {
  appendLine(queuePath, JSON.stringify(submission));
}

export function queued(queuePath: string): SignedSubmission[] {
  if (!existsSync(queuePath)) return [];
  return readFileSync(queuePath, "utf8")
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      const parsed = signedSubmission.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${queuePath} line ${i + 1}: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
      return parsed.data;
    });
}

export interface SentReading {
  readingId: string;
  status: number;
  receivedAt?: string;
  error?: string;
}

export interface SendOutcome {
  sent: SentReading[];
  refused: SentReading[];
  left: number;
  /** Why sending stopped early (the service could not be reached or was busy), or null. */
  stoppedBecause: string | null;
}

export async function sendQueue(queuePath: string, client: IntakeClient): Promise<SendOutcome> {
  const all = queued(queuePath);
  const outcome: SendOutcome = { sent: [], refused: [], left: 0, stoppedBecause: null };
  let i = 0;
  for (; i < all.length; i++) {
    const submission = all[i];
    let answer;
    try {
      answer = await client.post("/v1/readings", submission);
    } catch (error) {
      if (!(error instanceof ServiceUnreachable)) throw error;
      outcome.stoppedBecause = error.message;
      break;
    }
    const readingId = submission.reading.readingId;
    if (answer.status === 201 || answer.status === 200) {
      outcome.sent.push({ readingId, status: answer.status, receivedAt: answer.body.receivedAt as string });
    } else if (answer.status === 429 || answer.status >= 500) {
      outcome.stoppedBecause = `the service answered ${answer.status}: ${String(answer.body.error ?? "")}`;
      break;
    } else {
      const refused = { readingId, status: answer.status, error: String(answer.body.error ?? "") };
      outcome.refused.push(refused);
      appendLine(queuePath.replace(/\.jsonl$/, "") + ".refused.jsonl", JSON.stringify({ ...refused, submission }));
    }
  }
  const rest = all.slice(i);
  outcome.left = rest.length;
  if (i > 0) writeFileAtomic(queuePath, rest.map((s) => JSON.stringify(s) + "\n").join(""), 0o600);
  return outcome;
}
