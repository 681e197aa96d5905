// The NFC form's two shapes (SPEC.md section 6) and the rule for a fob's tap URL, which the
// firmware (PROV URL) and the host (evv device provision --tap-url) both apply.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  FRAME_KIND_NFC,
  NDEF_URI_CODE_HTTPS,
  NDEF_URI_CODE_NONE,
  TAP_URL_MAX_LENGTH,
  deriveDeviceKey,
  encodeFrame,
  frameFromNfcUri,
  nfcRecordPayload,
  nfcUri,
  tapUrlProblem,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

const key = deriveDeviceKey(nodeSha256, new Uint8Array(32).fill(9), 1, 5);
const frameAt = (step: number, status = 8) => encodeFrame(nodeSha256, key, 5, { kind: FRAME_KIND_NFC, step, status });
const ascii = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("the NFC form", () => {
  it("is an https URL with the frame after '#' when the fob has a base URL, its https:// written as identifier code 0x04", () => {
    const frame = frameAt(29_000_000);
    const uri = nfcUri(frame, "https://hhs.example/app/");
    expect(uri).toBe("https://hhs.example/app/#" + Buffer.from(frame).toString("hex"));
    const payload = nfcRecordPayload(frame, "https://hhs.example/app/");
    expect(payload[0]).toBe(NDEF_URI_CODE_HTTPS);
    expect("https://" + ascii(payload.subarray(1))).toBe(uri);
    expect(frameFromNfcUri(uri)).toEqual(frame);
  });

  it("stays evv:1/<hex> with identifier code 0x00 for a fob provisioned without a base URL", () => {
    const frame = frameAt(7);
    const payload = nfcRecordPayload(frame, null);
    expect(payload[0]).toBe(NDEF_URI_CODE_NONE);
    expect(ascii(payload.subarray(1))).toBe(nfcUri(frame, null));
    expect(nfcUri(frame, null).startsWith("evv:1/")).toBe(true);
  });

  it("reads back the frame of any step, status and allowed base URL (round trip)", () => {
    const base = fc.stringMatching(/^[a-z0-9.-]{1,30}(\/[A-Za-z0-9_.~/-]{0,40})?$/).map((rest) => "https://" + rest).filter((u) => tapUrlProblem(u) === null);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 2, 8, 0x1f), base, (step, status, url) => {
        const frame = frameAt(step, status);
        expect(frameFromNfcUri(nfcUri(frame, url))).toEqual(frame);
        expect(nfcRecordPayload(frame, url).length).toBe(nfcUri(frame, url).length - "https://".length + 1);
      }),
    );
  });

  it("is not found in URLs that carry no frame, or a frame in upper case, short or long", () => {
    const hex = Buffer.from(frameAt(1)).toString("hex");
    for (const uri of ["https://example.org", "https://example.org/#", `http://hhs.example/#${hex}`, `https://hhs.example/#${hex.toUpperCase()}`, `https://hhs.example/#${hex}00`, `https://hhs.example/#${hex.slice(2)}`, `evv:2/${hex}`, `https://hhs.example/#${hex.slice(0, 46)}zz`])
      expect(frameFromNfcUri(uri), uri).toBeNull();
  });
});

describe("a tap URL", () => {
  it("is accepted when it is https, names a host, and has up to the limit of printable characters", () => {
    expect(tapUrlProblem("https://hhs.example/app/")).toBeNull();
    expect(tapUrlProblem("https://evv.hhs.nd.gov:8443/t?s=7")).toBeNull();
    expect(tapUrlProblem("https://" + "a".repeat(TAP_URL_MAX_LENGTH - 8))).toBeNull();
  });

  it.each([
    ["http://hhs.example/app/", /must start with https:\/\//],
    ["evv:1/", /must start with https:\/\//],
    ["https://", /names no host/],
    ["https:///app/", /names no host/],
    ["https://hhs.example/app/#x", /# part/],
    ["https://hhs.example/a b", /printable ASCII/],
    ["https://hhs.example/é", /printable ASCII/],
    ["https://" + "a".repeat(TAP_URL_MAX_LENGTH - 7), /at most 100 characters/],
  ])("refuses %s", (url, why) => {
    expect(tapUrlProblem(url)).toMatch(why);
  });
});
