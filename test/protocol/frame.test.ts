import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  FRAME_KIND_ADVERT,
  FRAME_KIND_NFC,
  FRAME_LENGTH,
  answerChallenge,
  challengeAnswerMatches,
  decodeChallengeAnswer,
  deriveDeviceKey,
  encodeChallengeAnswer,
  encodeFrame,
  frameFromNfcUri,
  frameMatches,
  judgeTimeSync,
  nfcUri,
  sealJournalRecord,
  timeSyncMac,
  verifyJournal,
  zeroJournalTag,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

const hash = nodeSha256;
const master = new Uint8Array(32).fill(3);

const frameArbitrary = fc.record({
  deviceId: fc.integer({ min: 0, max: 0xffffffff }),
  kind: fc.constantFrom(FRAME_KIND_ADVERT, FRAME_KIND_NFC),
  step: fc.integer({ min: 0, max: 0xffffffff }),
  status: fc.integer({ min: 0, max: 0x1f }),
});

describe("advertisement frame", () => {
  it("is 24 bytes, fitting the manufacturer payload, and verifies under its own key", () => {
    fc.assert(
      fc.property(frameArbitrary, (f) => {
        const key = deriveDeviceKey(hash, master, 1, f.deviceId);
        const frame = encodeFrame(hash, key, f.deviceId, f);
        expect(frame.length).toBe(FRAME_LENGTH);
        expect(frameMatches(hash, key, f.deviceId, frame)).toBe(true);
      }),
    );
  });

  it("fails verification when any one of its 192 bits is flipped", () => {
    fc.assert(
      fc.property(frameArbitrary, (f) => {
        const key = deriveDeviceKey(hash, master, 1, f.deviceId);
        const frame = encodeFrame(hash, key, f.deviceId, f);
        for (let bit = 0; bit < FRAME_LENGTH * 8; bit++) {
          const flipped = frame.slice();
          flipped[bit >> 3] ^= 1 << (bit & 7);
          expect(frameMatches(hash, key, f.deviceId, flipped)).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("carries no stable identifier: everything but the minute and the status bits changes at every step", () => {
    const k1 = deriveDeviceKey(hash, master, 1, 1);
    const fields = { kind: FRAME_KIND_ADVERT, step: 1000, status: 8 };
    const a = encodeFrame(hash, k1, 1, fields);
    const b = encodeFrame(hash, k1, 1, { ...fields, step: 1001 });
    expect(Buffer.from(a.subarray(6)).equals(Buffer.from(b.subarray(6)))).toBe(false);
  });

  it("round-trips through the NFC URI form", () => {
    const key = deriveDeviceKey(hash, master, 1, 77);
    const frame = encodeFrame(hash, key, 77, { kind: FRAME_KIND_NFC, step: 5, status: 8 });
    const uri = nfcUri(frame, null);
    expect(uri.startsWith("evv:1/")).toBe(true);
    expect(frameFromNfcUri(uri)).toEqual(frame);
    expect(frameFromNfcUri("https://example.org")).toBeNull();
  });
});

describe("challenge-response", () => {
  it("fails when any bit of the binary answer is flipped, or under a different nonce", () => {
    const key = deriveDeviceKey(hash, master, 1, 9);
    const nonce = new Uint8Array(16).fill(0xab);
    const bytes = encodeChallengeAnswer(answerChallenge(hash, key, 9, nonce, 1767225600, 8, 12));
    expect(challengeAnswerMatches(hash, key, nonce, decodeChallengeAnswer(bytes)!)).toBe(true);
    for (let bit = 8; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(challengeAnswerMatches(hash, key, nonce, decodeChallengeAnswer(flipped)!)).toBe(false);
    }
    const otherNonce = nonce.slice();
    otherNonce[0] ^= 1;
    expect(challengeAnswerMatches(hash, key, otherNonce, decodeChallengeAnswer(bytes)!)).toBe(false);
  });
});

describe("time sync", () => {
  const key = deriveDeviceKey(hash, master, 1, 5);
  const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const mac = timeSyncMac(hash, key, 5, nonce, 1767225600);
  it("accepts a sync made for the pending nonce", () => {
    expect(judgeTimeSync(hash, key, 5, nonce, 0, 1767225600, mac)).toBe("accepted");
  });
  it("refuses a replayed sync once the nonce is spent or replaced", () => {
    expect(judgeTimeSync(hash, key, 5, null, 0, 1767225600, mac)).toBe("no-pending-nonce");
    expect(judgeTimeSync(hash, key, 5, new Uint8Array(8).fill(9), 0, 1767225600, mac)).toBe("bad-mac");
  });
  it("refuses a changed time and a time before the last accepted one", () => {
    expect(judgeTimeSync(hash, key, 5, nonce, 0, 1767225601, mac)).toBe("bad-mac");
    expect(judgeTimeSync(hash, key, 5, nonce, 1767225700, 1767225600, mac)).toBe("time-goes-back");
  });
});

describe("journal chain", () => {
  it("fails at the first record that was altered, dropped or reordered", () => {
    const key = deriveDeviceKey(hash, master, 1, 11);
    const records: Uint8Array[] = [];
    let prev = zeroJournalTag();
    for (let seq = 0; seq < 6; seq++) {
      const r = sealJournalRecord(hash, key, 11, prev, { seq, time: 1000 + seq, event: 4, status: 8, arg: seq });
      records.push(r);
      prev = r.subarray(12);
    }
    expect(verifyJournal(hash, key, 11, zeroJournalTag(), records).ok).toBe(true);
    const altered = records.map((r) => r.slice());
    altered[3][11] ^= 1;
    expect(verifyJournal(hash, key, 11, zeroJournalTag(), altered).failedAt).toBe(3);
    expect(verifyJournal(hash, key, 11, zeroJournalTag(), [records[0], records[2]]).failedAt).toBe(1);
    expect(verifyJournal(hash, key, 11, records[1].subarray(12), records.slice(2)).ok).toBe(true);
  });
});
