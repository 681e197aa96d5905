// `evv read --reader-key <file>`: the reading goes to the intake service the reader is enrolled
// with (signed, queued durably, then sent with whatever the queue still held) instead of the
// visit log. Prints what became of it; offline it stays queued (exit 0: nothing is lost).
import type { Reading } from "../capture/reading.js";
import { CliError, EXIT_REJECTED, EXIT_USAGE } from "./cliError.js";
import { enrolledReader, submitReading } from "../reader/serviceSubmission.js";
import type { ReaderKeyFile } from "../reader/readerKeyFile.js";

/** The enrolled reader, checked before anything is read from the fob. */
export function readerForSubmission(keyPath: string, providerNumber: string): ReaderKeyFile {
  let key;
  try {
    key = enrolledReader(keyPath);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_USAGE);
  }
  if (key.providerNumber !== providerNumber) throw new CliError(`--provider ${providerNumber} is not this reader's provider (${key.providerNumber}, enrolled in ${keyPath})`, EXIT_USAGE);
  return key;
}

/** Submits; returns the lines to print. Throws (exit 5) when the service refused this reading. */
export async function submitToService(keyPath: string, key: ReaderKeyFile, record: Reading): Promise<{ lines: string[]; json: unknown }> {
  const result = await submitReading(keyPath, key, record);
  const { outcome, thisReading } = result;
  const lines: string[] = [];
  if (thisReading && (thisReading.status === 201 || thisReading.status === 200))
    lines.push(`Submitted ${record.event} for client ${record.clientNdNumber} to ${key.service}: received ${thisReading.receivedAt} (reading ${record.readingId})`);
  else if (!thisReading)
    lines.push(`Queued    ${record.event} for client ${record.clientNdNumber} in ${result.queuePath} (reading ${record.readingId}): ${outcome.stoppedBecause}. It is sent with the next read or evv reader send.`);
  if (outcome.sent.length > (thisReading ? 1 : 0)) lines.push(`Sent      ${outcome.sent.length - (thisReading ? 1 : 0)} reading(s) queued earlier`);
  if (outcome.left > 0 && thisReading) lines.push(`Queued    ${outcome.left} reading(s) still wait in ${result.queuePath}`);
  const json = { queue: result.queuePath, thisReading, ...outcome };
  if (thisReading && thisReading.status !== 201 && thisReading.status !== 200)
    throw new CliError(`the service refused the reading (${thisReading.status}): ${thisReading.error}. It is kept in ${result.queuePath.replace(/\.jsonl$/, "")}.refused.jsonl`, EXIT_REJECTED);
  return { lines, json };
}
