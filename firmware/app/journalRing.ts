// The journal on the device: a bounded, hash-chained ring of 28-byte records in Storage.
//
// Records live in segment files "evv.j<n>": segment n holds sequence numbers
// n*SEGMENT_RECORDS .. n*SEGMENT_RECORDS+SEGMENT_RECORDS-1. A segment file is created once at
// its full size with a 16-byte header (the tag of the record before its first one) and every
// record is then programmed into still-erased flash at its slot, so appending never erases or
// rewrites a page. When a new segment would make more than SEGMENTS_KEPT, the oldest is
// erased; the header of the oldest kept segment is the ring's anchor. Unwritten slots read
// as 0xff, so the next sequence number is found again after a reboot by scanning the last
// segment. (firmware/README.md "Journal and flash wear" has the figures.)
import type { HashFunction } from "../../protocol/hashFunction.js";
import { readU32be, sliceBytes } from "../../protocol/bytes.js";
import { JOURNAL_RECORD_LENGTH, JOURNAL_TAG_LENGTH, JOURNAL_BODY_LENGTH, sealJournalRecord, zeroJournalTag } from "../../protocol/journal.js";
import { storage } from "../espruino/espruinoGlobals.js";

export const SEGMENT_RECORDS = 32;
export const SEGMENTS_KEPT = 4;
export const SEGMENT_PREFIX = "evv.j";
const HEADER_LENGTH = JOURNAL_TAG_LENGTH;
const SEGMENT_FILE_LENGTH = HEADER_LENGTH + SEGMENT_RECORDS * JOURNAL_RECORD_LENGTH;
const UNWRITTEN_SEQ = 0xffffffff;

export interface JournalRing {
  /** Segment numbers held in Storage, oldest first. */
  segments: number[];
  nextSeq: number;
  lastTag: Uint8Array;
}

function segmentName(segment: number): string {
  return SEGMENT_PREFIX + segment;
}

function segmentBytes(segment: number): Uint8Array | null {
  const buffer = storage().readArrayBuffer(segmentName(segment));
  return buffer === undefined ? null : new Uint8Array(buffer);
}

function slotOffset(slot: number): number {
  return HEADER_LENGTH + slot * JOURNAL_RECORD_LENGTH;
}

export function openJournal(): JournalRing {
  const names = storage().list(/^evv\.j[0-9]+$/);
  const segments: number[] = [];
  for (const name of names) segments.push(parseInt(name.slice(SEGMENT_PREFIX.length), 10));
  segments.sort(function (a: number, b: number) {
    return a - b;
  });
  const ring: JournalRing = { segments: segments, nextSeq: 0, lastTag: zeroJournalTag() };
  if (segments.length === 0) return ring;
  const last = segments[segments.length - 1];
  const bytes = segmentBytes(last);
  if (bytes === null) return ring;
  let written = 0;
  while (written < SEGMENT_RECORDS && readU32be(bytes, slotOffset(written)) !== UNWRITTEN_SEQ) written++;
  ring.nextSeq = last * SEGMENT_RECORDS + written;
  ring.lastTag =
    written === 0
      ? sliceBytes(bytes, 0, HEADER_LENGTH)
      : sliceBytes(bytes, slotOffset(written - 1) + JOURNAL_BODY_LENGTH, slotOffset(written));
  return ring;
}

/** Seq of the oldest record still held (== nextSeq when the ring is empty). */
export function oldestHeldSeq(ring: JournalRing): number {
  if (ring.segments.length === 0) return ring.nextSeq;
  const oldest = ring.segments[0] * SEGMENT_RECORDS;
  return oldest < ring.nextSeq ? oldest : ring.nextSeq;
}

export function appendJournal(
  ring: JournalRing,
  hash: HashFunction,
  deviceKey: Uint8Array,
  deviceId: number,
  time: number,
  event: number,
  status: number,
  arg: number,
): void {
  const seq = ring.nextSeq;
  const segment = Math.floor(seq / SEGMENT_RECORDS);
  const slot = seq % SEGMENT_RECORDS;
  const record = sealJournalRecord(hash, deviceKey, deviceId, ring.lastTag, { seq: seq, time: time, event: event, status: status, arg: arg & 0xffff });
  if (slot === 0 || ring.segments.indexOf(segment) < 0) {
    while (ring.segments.length >= SEGMENTS_KEPT) {
      storage().erase(segmentName(ring.segments[0]));
      ring.segments.shift();
    }
    storage().write(segmentName(segment), ring.lastTag, 0, SEGMENT_FILE_LENGTH);
    ring.segments.push(segment);
  }
  storage().write(segmentName(segment), record, slotOffset(slot));
  ring.nextSeq = seq + 1;
  ring.lastTag = sliceBytes(record, JOURNAL_BODY_LENGTH, JOURNAL_RECORD_LENGTH);
}

/** Removes every record (re-provisioning: a new key starts a new chain). */
export function clearJournal(ring: JournalRing): void {
  for (const segment of ring.segments) storage().erase(segmentName(segment));
  ring.segments = [];
  ring.nextSeq = 0;
  ring.lastTag = zeroJournalTag();
}

export interface JournalSlice {
  /** Tag of the record before the first one returned (the anchor when that one was evicted). */
  previousTag: Uint8Array;
  records: Uint8Array[];
}

/** Up to maxCount records from fromSeq on; starts at the oldest held record if fromSeq was evicted. */
export function readJournal(ring: JournalRing, fromSeq: number, maxCount: number): JournalSlice {
  const oldest = oldestHeldSeq(ring);
  const start = fromSeq < oldest ? oldest : fromSeq;
  if (start >= ring.nextSeq) return { previousTag: ring.lastTag, records: [] };
  let segment = Math.floor(start / SEGMENT_RECORDS);
  let bytes = segmentBytes(segment);
  if (bytes === null) return { previousTag: ring.lastTag, records: [] };
  const startSlot = start % SEGMENT_RECORDS;
  const previousTag =
    startSlot === 0 ? sliceBytes(bytes, 0, HEADER_LENGTH) : sliceBytes(bytes, slotOffset(startSlot - 1) + JOURNAL_BODY_LENGTH, slotOffset(startSlot));
  const records: Uint8Array[] = [];
  for (let seq = start; seq < ring.nextSeq && records.length < maxCount; seq++) {
    if (Math.floor(seq / SEGMENT_RECORDS) !== segment) {
      segment = Math.floor(seq / SEGMENT_RECORDS);
      bytes = segmentBytes(segment);
      if (bytes === null) break;
    }
    const slot = seq % SEGMENT_RECORDS;
    records.push(sliceBytes(bytes, slotOffset(slot), slotOffset(slot) + JOURNAL_RECORD_LENGTH));
  }
  return { previousTag: previousTag, records: records };
}
