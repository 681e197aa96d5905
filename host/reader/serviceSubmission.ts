// What `evv read` does with a reading when a service is configured: sign it with the reader's
// key, put it in the durable queue, then send the queue (this reading and any left from
// offline reads). Offline, the reading waits in the queue; nothing is lost either way.
import type { Reading } from "../capture/reading.js";
import { IntakeClient } from "./intakeClient.js";
import { readReaderKey, signReading, type ReaderKeyFile } from "./readerKeyFile.js";
import { enqueue, queuePathOf, sendQueue, type SendOutcome } from "./submissionQueue.js";

export interface SubmitResult {
  queuePath: string;
  outcome: SendOutcome;
  /** This reading's answer, when it was sent. */
  thisReading: { status: number; receivedAt?: string; error?: string } | null;
}

export function enrolledReader(keyPath: string): ReaderKeyFile {
  return readReaderKey(keyPath);
}

export async function sendQueued(keyPath: string, key: ReaderKeyFile = readReaderKey(keyPath)): Promise<{ queuePath: string; outcome: SendOutcome }> {
  const queuePath = queuePathOf(keyPath);
  const client = new IntakeClient(key.service, key.serviceCa);
  try {
    return { queuePath, outcome: await sendQueue(queuePath, client) };
  } finally {
    await client.close();
  }
}

export async function submitReading(keyPath: string, key: ReaderKeyFile, reading: Reading): Promise<SubmitResult> {
  const queuePath = queuePathOf(keyPath);
  enqueue(queuePath, signReading(keyPath, key, reading));
  const { outcome } = await sendQueued(keyPath, key);
  const mine = [...outcome.sent, ...outcome.refused].find((s) => s.readingId === reading.readingId) ?? null;
  return { queuePath, outcome, thisReading: mine };
}
