// The device's signed, hash-chained event journal.
//
// A record is 28 bytes: a 12-byte body and a 16-byte tag.
//   body: seq u32 | time u32 (Unix seconds; 0 while the clock is not set) | event u8 | status u8 | arg u16
//   tag:  first 16 bytes of HMAC(K_dev, 'J' || deviceId || previous tag || body)
// The first record's previous tag is 16 zero bytes. When the ring on the device evicts old
// records it keeps the tag of the last evicted one (the anchor), so a pull can be verified
// from wherever it starts.
import type { HashFunction } from "./hashFunction.js";
import { truncatedMac } from "./hmac.js";
import { bytesEqual, concatBytes, readU16be, readU32be, sliceBytes, u16be, u32be } from "./bytes.js";
import { DOMAIN_JOURNAL } from "./domains.js";

export const JOURNAL_BODY_LENGTH = 12;
export const JOURNAL_TAG_LENGTH = 16;
export const JOURNAL_RECORD_LENGTH = JOURNAL_BODY_LENGTH + JOURNAL_TAG_LENGTH;

export const JOURNAL_EVENT_BOOT = 1;
export const JOURNAL_EVENT_CLOCK_SET = 2;
export const JOURNAL_EVENT_CLOCK_LOST = 3;
export const JOURNAL_EVENT_BUTTON = 4;
export const JOURNAL_EVENT_MOVED = 5;
export const JOURNAL_EVENT_BATTERY_LOW = 6;
export const JOURNAL_EVENT_CHALLENGE = 7;
export const JOURNAL_EVENT_PROVISIONED = 8;
export const JOURNAL_EVENT_LOCKED = 9;
export const JOURNAL_EVENT_SYNC_REFUSED = 10;

export const JOURNAL_EVENT_NAMES = [
  "",
  "boot",
  "clock-set",
  "clock-lost",
  "button",
  "moved",
  "battery-low",
  "challenge",
  "provisioned",
  "locked",
  "sync-refused",
];

export interface JournalEntry {
  seq: number;
  time: number;
  event: number;
  status: number;
  arg: number;
}

export function zeroJournalTag(): Uint8Array {
  return new Uint8Array(JOURNAL_TAG_LENGTH);
}

export function encodeJournalBody(entry: JournalEntry): Uint8Array {
  return concatBytes([u32be(entry.seq), u32be(entry.time), new Uint8Array([entry.event & 255, entry.status & 255]), u16be(entry.arg)]);
}

export function decodeJournalRecord(record: Uint8Array): { entry: JournalEntry; tag: Uint8Array } | null {
  if (record.length !== JOURNAL_RECORD_LENGTH) return null;
  return {
    entry: {
      seq: readU32be(record, 0),
      time: readU32be(record, 4),
      event: record[8],
      status: record[9],
      arg: readU16be(record, 10),
    },
    tag: sliceBytes(record, JOURNAL_BODY_LENGTH, JOURNAL_RECORD_LENGTH),
  };
}

export function journalTag(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, previousTag: Uint8Array, body: Uint8Array): Uint8Array {
  return truncatedMac(hash, deviceKey, concatBytes([new Uint8Array([DOMAIN_JOURNAL]), u32be(deviceId), previousTag, body]), JOURNAL_TAG_LENGTH);
}

/** Appends: returns the 28-byte record whose tag chains on `previousTag`. */
export function sealJournalRecord(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, previousTag: Uint8Array, entry: JournalEntry): Uint8Array {
  const body = encodeJournalBody(entry);
  return concatBytes([body, journalTag(hash, deviceKey, deviceId, previousTag, body)]);
}

export interface JournalCheck {
  ok: boolean;
  entries: JournalEntry[];
  /** Index of the first record that failed (bad tag, broken chain or non-consecutive seq), or -1. */
  failedAt: number;
  lastTag: Uint8Array;
}

/** Verifies consecutive records starting from `anchorTag` (the tag before the first record). */
export function verifyJournal(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, anchorTag: Uint8Array, records: Uint8Array[]): JournalCheck {
  const entries: JournalEntry[] = [];
  let previous = anchorTag;
  for (let i = 0; i < records.length; i++) {
    const decoded = decodeJournalRecord(records[i]);
    if (decoded === null) return { ok: false, entries: entries, failedAt: i, lastTag: previous };
    if (i > 0 && decoded.entry.seq !== entries[i - 1].seq + 1) return { ok: false, entries: entries, failedAt: i, lastTag: previous };
    const expected = journalTag(hash, deviceKey, deviceId, previous, sliceBytes(records[i], 0, JOURNAL_BODY_LENGTH));
    if (!bytesEqual(expected, decoded.tag)) return { ok: false, entries: entries, failedAt: i, lastTag: previous };
    entries.push(decoded.entry);
    previous = decoded.tag;
  }
  return { ok: true, entries: entries, failedAt: -1, lastTag: previous };
}
