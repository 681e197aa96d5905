// PROV URL: the base URL of the NFC form's tap URL (protocol/SPEC.md section 6), given before
// lockdown, kept across a reboot, served by the tag as an https URL record (identifier code
// 0x04) that a phone opens; a fob without one keeps the "evv:1/" form.
import { describe, expect, it } from "vitest";
import { FRAME_KIND_NFC, decodeFrame, frameFromNfcUri, frameMatches } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";

const BASE = "https://hhs.example/app/";

describe("the tap URL of a Puck.js running its built bundle", () => {
  it("serves the NFC form as https://<base>#<frame> with the https:// prefix code, after a press, and keeps it across a reboot", async () => {
    const device = await bootBoard("puckjs");
    provision(device, false);
    expect(ask(device, "serial", `PROV URL ${BASE}`)).toBe(`OK PROV URL ${BASE}`);
    expect(ask(device, "serial", "PROV LOCK")).toBe("OK PROV LOCK");
    device.reboot();
    device.pressButton(50);
    const uri = device.nfcUri()!;
    expect(uri.startsWith(BASE + "#")).toBe(true);
    const frame = frameFromNfcUri(uri)!;
    expect(decodeFrame(frame)!.kind).toBe(FRAME_KIND_NFC);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, frame)).toBe(true);
    // What a phone's first READ of the data area sees: NDEF TLV, record header, type 'U', code 0x04, then the host.
    const block4 = device.nfcTransceive(new Uint8Array([0x30, 4])) as Uint8Array;
    expect(Array.from(block4.subarray(0, 7))).toEqual([0x03, 4 + 1 + uri.length - 8, 0xd1, 0x01, 1 + uri.length - 8, 0x55, 0x04]);
    expect(Buffer.from(block4.subarray(7)).toString("latin1")).toBe("hhs.examp");
  });

  it("refuses a base URL that is not https, has a # part or is too long, and keeps the one it had", async () => {
    const device = await bootBoard("puckjs");
    provision(device, false);
    expect(ask(device, "serial", `PROV URL ${BASE}`)).toMatch(/^OK PROV URL/);
    expect(ask(device, "serial", "PROV URL http://hhs.example/app/")).toBe("ERR SYNTAX base URL must start with https:// (phones open https links; http is refused)");
    expect(ask(device, "serial", "PROV URL https://hhs.example/#x")).toMatch(/^ERR SYNTAX base URL must not have a # part/);
    expect(ask(device, "serial", "PROV URL https://" + "a".repeat(93))).toMatch(/^ERR SYNTAX base URL at most 100 characters/);
    expect(ask(device, "serial", "PROV URL")).toMatch(/^ERR SYNTAX usage: PROV URL/);
    expect(ask(device, "serial", "PROV LOCK")).toBe("OK PROV LOCK");
    device.pressButton(50);
    expect(device.nfcUri()!.startsWith(BASE + "#")).toBe(true);
  });

  it("goes back to the evv:1/ form with PROV URL -, and cannot be changed once locked", async () => {
    const device = await bootBoard("puckjs");
    provision(device, false);
    expect(ask(device, "serial", `PROV URL ${BASE}`)).toMatch(/^OK PROV URL/);
    expect(ask(device, "serial", "PROV URL -")).toBe("OK PROV URL -");
    expect(ask(device, "serial", "PROV LOCK")).toBe("OK PROV LOCK");
    expect(ask(device, "serial", `PROV URL ${BASE}`)).toMatch(/^ERR LOCKED/);
    device.pressButton(50);
    expect(device.nfcUri()!.startsWith("evv:1/")).toBe(true);
  });
});
