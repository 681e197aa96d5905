// Every construction in protocol/ against the vectors node:crypto produced (protocol/vectors.json).
import { describe, expect, it } from "vitest";
import vectors from "../../protocol/vectors.json" with { type: "json" };
import {
  answerChallenge,
  challengeAnswerMatches,
  decodeFrame,
  deriveDeviceKey,
  displayCodeMatches,
  encodeFrame,
  frameFromNfcUri,
  frameMatches,
  nfcRecordPayload,
  nfcUri,
  makeDisplayCode,
  sealJournalRecord,
  timeSyncMac,
  keyedReadMac,
  zoneMac,
  verifyJournal,
} from "../../protocol/index.js";
import { hashFunctions, hex, unhex } from "./hashFunctions.js";

const master = unhex(vectors.deviceKeys[0].masterKey);

describe.each(hashFunctions)("known answers with %s", (_name, hash) => {
  const keyOf = (deviceId: number, keyVersion: number) => deriveDeviceKey(hash, master, keyVersion, deviceId);

  it("derives each device key from the master key, key version and device ID", () => {
    for (const v of vectors.deviceKeys) expect(hex(keyOf(v.deviceId, v.keyVersion))).toBe(v.deviceKey);
  });

  it("makes each display code and verifies it", () => {
    for (const v of vectors.displayCodes) {
      const key = keyOf(v.deviceId, v.keyVersion);
      expect(makeDisplayCode(hash, key, v.deviceId, v.step, v.statusDigit)).toBe(v.code);
      expect(displayCodeMatches(hash, key, v.deviceId, v.step, v.code)).toBe(true);
    }
  });

  it("encodes each frame byte for byte, decodes its fields and verifies its MAC", () => {
    for (const v of vectors.frames) {
      const key = keyOf(v.deviceId, v.keyVersion);
      const fields = { kind: v.kind, step: v.step, status: v.status };
      expect(hex(encodeFrame(hash, key, v.deviceId, fields))).toBe(v.frame);
      expect(decodeFrame(unhex(v.frame))).toEqual(fields);
      expect(frameMatches(hash, key, v.deviceId, unhex(v.frame))).toBe(true);
    }
  });

  it("writes each NFC form's URI and NDEF URI record payload byte for byte, and reads the frame back", () => {
    for (const v of vectors.nfcForms) {
      const frame = unhex(v.frame);
      expect(nfcUri(frame, v.tapUrl)).toBe(v.uri);
      const payload = nfcRecordPayload(frame, v.tapUrl);
      expect(hex(payload)).toBe(v.payload);
      expect(v.record).toBe("d101" + hex(new Uint8Array([payload.length, 0x55])) + v.payload);
      expect(frameFromNfcUri(v.uri)).toEqual(frame);
    }
  });

  it("answers each challenge with the expected MAC", () => {
    for (const v of vectors.challenges) {
      const key = keyOf(v.deviceId, v.keyVersion);
      const answer = answerChallenge(hash, key, v.deviceId, unhex(v.nonce), v.deviceTime, v.status, v.journalSeq);
      expect(hex(answer.mac)).toBe(v.mac);
      expect(challengeAnswerMatches(hash, key, unhex(v.nonce), answer)).toBe(true);
    }
  });

  it("computes each time-sync and keyed-read MAC", () => {
    for (const v of vectors.timeSyncs) {
      expect(hex(timeSyncMac(hash, keyOf(v.deviceId, v.keyVersion), v.deviceId, unhex(v.deviceNonce), v.newTime))).toBe(v.mac);
    }
    for (const v of vectors.keyedReads) {
      expect(hex(keyedReadMac(hash, keyOf(v.deviceId, v.keyVersion), v.deviceId, unhex(v.deviceNonce), v.request))).toBe(v.mac);
    }
  });

  it("computes each local-time (ZONE) MAC", () => {
    for (const v of vectors.zones) {
      expect(hex(zoneMac(hash, keyOf(v.deviceId, v.keyVersion), v.deviceId, unhex(v.deviceNonce), v.standardOffsetMinutes, v.rule))).toBe(v.mac);
    }
  });

  it("seals the journal records into the expected chain and verifies it", () => {
    const j = vectors.journal;
    const key = keyOf(j.deviceId, j.keyVersion);
    let previous: Uint8Array = unhex(j.anchor);
    for (const r of j.records) {
      const record = sealJournalRecord(hash, key, j.deviceId, previous, { seq: r.seq, time: r.time, event: r.event, status: r.status, arg: r.arg });
      expect(hex(record)).toBe(r.record);
      previous = record.subarray(12);
    }
    const check = verifyJournal(hash, key, j.deviceId, unhex(j.anchor), j.records.map((r) => unhex(r.record)));
    expect(check.ok).toBe(true);
    expect(check.entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });
});
