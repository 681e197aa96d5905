// The web app's reading of the fob's NFC tap (webapp/src/fobTap.ts), shared by the two paths:
// the URL the phone's own tag reading opens, and the URL record Web NFC's NDEFReader hands over
// (desktop Chromium has no Web NFC, so this is where that path's parsing is pinned).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { tapAgeMinutes, tapFromRecords, tapFromUrl, uriOfRecord } from "../../webapp/src/fobTap.js";
import { FRAME_KIND_ADVERT, FRAME_KIND_NFC, deriveDeviceKey, encodeFrame, nfcRecordPayload, nfcUri, toHex } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

const key = deriveDeviceKey(nodeSha256, new Uint8Array(32).fill(4), 1, 9);
const BASE = "https://hhs.example/app/";
const NOW = Date.UTC(2026, 10, 30, 15, 0, 30);
const stepNow = Math.floor(NOW / 60_000);
const frameAt = (step: number, kind = FRAME_KIND_NFC) => encodeFrame(nodeSha256, key, 9, { kind, step, status: 8 });
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

describe("the fob's tap in the URL the phone opened", () => {
  it("gives the frame, the fob's minute and when this device got it", () => {
    const frame = frameAt(stepNow);
    expect(tapFromUrl(nfcUri(frame, BASE), NOW)).toEqual({ tap: { frame: toHex(frame), minuteMs: stepNow * 60_000, capturedMs: NOW } });
    expect(tapAgeMinutes({ frame: toHex(frame), minuteMs: (stepNow - 10) * 60_000, capturedMs: NOW })).toBe(10);
  });

  it("is nothing when the address has no # part (the app opened as usual)", () => {
    expect(tapFromUrl("https://hhs.example/app/", NOW)).toBeNull();
    expect(tapFromUrl("https://hhs.example/app/#", NOW)).toBeNull();
  });

  it("says in words what is wrong with a cut-short link or an advertisement frame passed off as a tap", () => {
    const frame = frameAt(stepNow);
    expect(tapFromUrl(nfcUri(frame, BASE).slice(0, -2), NOW)).toEqual({ problem: expect.stringMatching(/^This link holds no fob reading/) });
    expect(tapFromUrl(nfcUri(frameAt(stepNow, FRAME_KIND_ADVERT), BASE), NOW)).toEqual({ problem: expect.stringMatching(/damaged/) });
  });
});

describe("the fob's tap read with Web NFC", () => {
  it("takes a URL record as Chrome hands it over (the URI expanded) and as the tag holds it (identifier code 0x04 first)", () => {
    const frame = frameAt(stepNow);
    const expected = { tap: { frame: toHex(frame), minuteMs: stepNow * 60_000, capturedMs: NOW } };
    expect(tapFromRecords([{ recordType: "url", data: view(ascii(nfcUri(frame, BASE))) }], NOW)).toEqual(expected);
    expect(tapFromRecords([{ recordType: "url", data: view(nfcRecordPayload(frame, BASE)) }], NOW)).toEqual(expected);
    expect(tapFromRecords([{ recordType: "url", data: view(nfcRecordPayload(frame, null)) }], NOW)).toEqual(expected);
  });

  it("skips records that are not URLs and names a tag that holds none", () => {
    const frame = frameAt(stepNow);
    expect(uriOfRecord({ recordType: "text", data: view(ascii("hello")) })).toBeNull();
    expect(tapFromRecords([{ recordType: "text", data: view(ascii("hello")) }, { recordType: "url", data: view(ascii(nfcUri(frame, BASE))) }], NOW)).toMatchObject({ tap: { frame: toHex(frame) } });
    expect(tapFromRecords([{ recordType: "empty", data: null }], NOW)).toEqual({ problem: expect.stringMatching(/not an EVV fob/) });
  });

  it("reads back every frame the fob can serve, by either path, to the same tap (law)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(BASE, "https://evv.hhs.nd.gov/t", "https://h.example:8443/a/b?x=1"), (step, base) => {
        const frame = frameAt(step);
        const byUrl = tapFromUrl(nfcUri(frame, base), NOW);
        expect(byUrl).toEqual({ tap: { frame: toHex(frame), minuteMs: step * 60_000, capturedMs: NOW } });
        expect(tapFromRecords([{ recordType: "url", data: view(nfcRecordPayload(frame, base)) }], NOW)).toEqual(byUrl);
      }),
    );
  });
});
