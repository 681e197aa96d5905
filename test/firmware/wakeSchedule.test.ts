// The Puck.js wake schedule that gives it five years on a CR2032 (firmware/README.md "Battery
// and the wake schedule"), seen through the simulator's power counters.
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../protocol/index.js";
import { ask, bootBoard, provision } from "./firmwareHarness.js";

const MINUTE_MS = 60_000;

describe("Puck.js wake schedule", () => {
  it("provisioned and idle for a day: off air, awake only at the 96 quarter-hours, no HMAC, the accelerometer never left on", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    device.advance(MINUTE_MS);
    device.resetPowerCounts();
    device.advance(24 * 60 * MINUTE_MS);
    const counts = device.powerCounts();
    expect(device.advertising()).toBeNull();
    expect(counts.advertisingMsByInterval).toEqual({});
    expect(counts.wakeUps).toBe(96);
    expect(counts.nativeHashes).toBe(0);
    expect(counts.accelSingleReads).toBe(96);
    expect(counts.accelOnMsByRate).toEqual({});
  });

  it("a press puts it on air every 500 ms for 2 minutes with a fresh code every minute, then it sleeps again", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    device.advance(MINUTE_MS);
    device.resetPowerCounts();
    device.pressButton();
    const first = device.advertising()!;
    expect(first.intervalMs).toBe(500);
    device.advance(MINUTE_MS);
    expect(decodeFrame(device.advertising()!.manufacturerData)!.step).toBe(decodeFrame(first.manufacturerData)!.step + 1);
    device.advance(MINUTE_MS);
    expect(device.advertising()).toBeNull();
    const counts = device.powerCounts();
    expect(counts.advertisingMsByInterval["500"]).toBeGreaterThanOrEqual(2 * MINUTE_MS - 200);
    expect(counts.advertisingMsByInterval["500"]).toBeLessThanOrEqual(2 * MINUTE_MS + 200);
  });

  it("a read window that ends while a reader is connected keeps the link; the radio sleeps at the disconnect", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    device.pressButton();
    device.advance(MINUTE_MS);
    device.bleConnect();
    device.advance(2 * MINUTE_MS);
    expect(device.isBleConnected()).toBe(true);
    device.bleDisconnect();
    expect(device.advertising()).toBeNull();
    expect(device.powerCounts().connections).toBe(1);
  });
});

describe("Puck.js read window: one press, one read", () => {
  it("a BLE reader that got its challenge answered ends the window at its disconnect; one that did not leaves it open", async () => {
    const device = await bootBoard("puckjs");
    provision(device, true);
    device.pressButton();
    device.bleConnect();
    ask(device, "ble", "STATUS");
    device.bleDisconnect();
    expect(device.advertising()).not.toBeNull();
    ask(device, "ble", "CHAL " + "5a".repeat(16));
    device.bleDisconnect();
    expect(device.advertising()).toBeNull();
  });
});
