// What the browser keeps in IndexedDB (the `idb` wrapper): this browser's enrolled reader (its
// non-extractable private key as a CryptoKey, its ID, caregiver and counter) and the queue of
// signed readings with what became of each.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface EnrolledReader {
  readerId: string;
  providerNumber: string;
  caregiverId: string;
  privateKey: CryptoKey;
  /** The last counter used to sign; the next reading gets one more. */
  counter: number;
}

export type QueueState = "waiting" | "sent" | "refused";

export interface QueuedReading {
  readingId: string;
  /** The signed submission exactly as it is sent: {reader, counter, reading, signature}. */
  body: string;
  summary: string;
  state: QueueState;
  /** Plain words: when it was stored, or why it was refused. */
  outcome: string;
  madeMs: number;
}

interface ReaderDb extends DBSchema {
  reader: { key: string; value: EnrolledReader };
  queue: { key: string; value: QueuedReading; indexes: { byMade: number } };
}

let opened: Promise<IDBPDatabase<ReaderDb>> | null = null;

function database(): Promise<IDBPDatabase<ReaderDb>> {
  opened ??= openDB<ReaderDb>("evv-reader", 1, {
    upgrade(db) {
      db.createObjectStore("reader");
      db.createObjectStore("queue", { keyPath: "readingId" }).createIndex("byMade", "madeMs");
    },
  });
  return opened;
}

export async function loadReader(): Promise<EnrolledReader | undefined> {
  return (await database()).get("reader", "self");
}

export async function saveReader(reader: EnrolledReader): Promise<void> {
  await (await database()).put("reader", reader, "self");
}

/** Takes the next counter and writes it down before anything is signed with it (a counter is never used twice). */
export async function nextCounter(): Promise<{ reader: EnrolledReader; counter: number }> {
  const db = await database();
  const tx = db.transaction("reader", "readwrite");
  const reader = await tx.store.get("self");
  if (!reader) throw new Error("this browser is not enrolled");
  reader.counter += 1;
  await tx.store.put(reader, "self");
  await tx.done;
  return { reader, counter: reader.counter };
}

export async function putQueued(item: QueuedReading): Promise<void> {
  await (await database()).put("queue", item);
}

/** Every reading this browser made, newest first. */
export async function allQueued(): Promise<QueuedReading[]> {
  return (await (await database()).getAllFromIndex("queue", "byMade")).reverse();
}
