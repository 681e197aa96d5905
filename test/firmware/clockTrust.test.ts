import { describe, expect, it } from "vitest";
import {
  FRAME_STATUS_CLOCK_NOT_SET, JOURNAL_EVENT_CLOCK_LOST, JOURNAL_EVENT_CLOCK_SET, JOURNAL_EVENT_SYNC_REFUSED, decodeFrame,
  displayCodeMatches, fromHex, stepOf, timeSyncMac, toHex, verifyJournal,
} from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { ask, askKeyed, bootBoard, DEVICE_ID, KEY, provision } from "./firmwareHarness.js";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import type { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";

function syncLine(device: SimulatedDevice, unixTime: number): string {
  const words = ask(device, "serial", "SYNCREQ").split(" ");
  expect(words.slice(0, 3)).toEqual(["OK", "SYNCREQ", DEVICE_ID.toString(16).padStart(8, "0")]);
  const nonce = fromHex(words[3])!;
  return "SYNC " + unixTime + " " + toHex(timeSyncMac(nodeSha256, KEY, DEVICE_ID, nonce, unixTime));
}

function journal(device: SimulatedDevice) {
  const words = askKeyed(device, "serial", "JOURNAL 0 8").split(" ");
  return verifyJournal(nodeSha256, KEY, DEVICE_ID, fromHex(words[2])!, words.slice(4).map((w) => fromHex(w)!));
}

describe.each(BOARD_NAMES)("clock trust on %s", (board) => {
  it("after power loss reports clock-not-set and refuses codes and challenges until an authenticated sync", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.advance(5 * 60_000);
    device.powerLoss();
    expect(Math.floor(device.deviceNowMs() / 1000)).toBeLessThan(10);
    const status = askKeyed(device, "serial", "STATUS").split(" ");
    expect(parseInt(status[5], 16) & FRAME_STATUS_CLOCK_NOT_SET).toBe(FRAME_STATUS_CLOCK_NOT_SET);
    expect(ask(device, "serial", "CODE")).toMatch(/^ERR CLOCK /);
    expect(ask(device, "ble", "CHAL " + "ab".repeat(16))).toMatch(/^ERR CLOCK /);
    device.bleDisconnect(); // a connected Espruino does not advertise
    if (board === "puckjs") device.pressButton(); // Puck.js is on air only in the read window a press opens
    expect(decodeFrame(device.advertising()!.manufacturerData)!.status & FRAME_STATUS_CLOCK_NOT_SET).toBe(FRAME_STATUS_CLOCK_NOT_SET);
    if (board !== "puckjs") expect(device.screenText()).toContain("CLOCK NOT SET");
    // An unauthenticated attempt to set the clock is refused (the device is locked).
    expect(ask(device, "serial", "PROV CLOCK " + Math.floor(device.worldNowMs() / 1000))).toMatch(/^ERR LOCKED /);

    const now = Math.floor(device.worldNowMs() / 1000);
    const sync = syncLine(device, now);
    expect(ask(device, "serial", sync)).toBe("OK SYNC " + now);
    const code = ask(device, "serial", "CODE").split(" ");
    expect(displayCodeMatches(nodeSha256, KEY, DEVICE_ID, stepOf(now), code[2])).toBe(true);
    expect(decodeFrame(device.advertising()!.manufacturerData)!.status & FRAME_STATUS_CLOCK_NOT_SET).toBe(0);

    // The same sync sent again: its nonce is spent.
    expect(ask(device, "serial", sync)).toBe("ERR AUTH no-pending-nonce");
    // Replayed while a new nonce is pending: the MAC is for the old nonce.
    syncLine(device, now + 5);
    expect(ask(device, "serial", sync)).toBe("ERR AUTH bad-mac");
    // A correctly signed time earlier than the last accepted one.
    device.advance(60_000);
    expect(ask(device, "serial", syncLine(device, now - 3600))).toBe("ERR AUTH time-goes-back");
    // A refusal spends the nonce too.
    expect(ask(device, "serial", sync)).toBe("ERR AUTH no-pending-nonce");

    const check = journal(device);
    expect(check.ok).toBe(true);
    const events = check.entries.map((e) => e.event);
    expect(events).toContain(JOURNAL_EVENT_CLOCK_LOST);
    expect(events).toContain(JOURNAL_EVENT_CLOCK_SET);
    expect(events).toContain(JOURNAL_EVENT_SYNC_REFUSED);
    expect(check.entries.find((e) => e.event === JOURNAL_EVENT_CLOCK_LOST)!.time).toBe(0);
  });

  it("keeps trusting its clock across a reboot without power loss", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    device.reboot();
    expect(ask(device, "serial", "CODE")).toMatch(/^OK CODE /);
  });
});

describe("rotation timing", () => {
  it.each([
    ["pixljs", 1440, 60_000],
    ["banglejs2", 1440, 60_000],
  ] as const)("%s rotates exactly on the device's boundaries for a whole day despite 500 ppm drift (no drifting interval): %i rotations", async (board, perDay, boundaryMs) => {
    const device = await bootBoard(board, { driftPpm: 500 });
    provision(device, true);
    const rotations: number[] = [];
    device.on("advertising", () => rotations.push(device.deviceNowMs()));
    device.advance(24 * 3600 * 1000);
    expect(rotations.length).toBeGreaterThanOrEqual(perDay);
    expect(rotations.every((ms) => ms % boundaryMs === 0)).toBe(true);
    // 500 ppm fast: the device clock gained 43.2 s on the world in one day.
    expect(Math.round((device.deviceNowMs() - device.worldNowMs()) / 100) / 10).toBeCloseTo(43.2, 0);
  });
});
