// The fob's BLE address rotation (firmware/app/addressRotation.ts): a fresh random static
// address at boot and at every quarter-hour step, never while a central is connected.
import { describe, expect, it } from "vitest";
import { BOARD_NAMES } from "../../firmware/build/boardFacts.js";
import type { SimulatedDevice } from "../../simulator/device/simulatedDevice.js";
import { bootBoard, provision } from "./firmwareHarness.js";

const DAY_MS = 24 * 3600_000;
const MINUTE_MS = 60_000;

interface AddressChange {
  address: string;
  deviceMs: number;
  connected: boolean;
}

function recordAddressChanges(device: SimulatedDevice): AddressChange[] {
  const changes: AddressChange[] = [];
  device.on("address", (address: string) => changes.push({ address, deviceMs: device.deviceNowMs(), connected: device.isBleConnected() }));
  return changes;
}

function expectValidRandomStatic(address: string): void {
  expect(address).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2} random$/);
  const bytes = address.split(" ")[0].split(":").map((b) => parseInt(b, 16));
  expect(bytes[0] & 0xc0).toBe(0xc0);
  const rest = [bytes[0] & 0x3f, ...bytes.slice(1)];
  expect(rest.every((b) => b === 0)).toBe(false);
  expect(rest[0] === 0x3f && rest.slice(1).every((b) => b === 0xff)).toBe(false);
}

/** Device time of the next quarter-hour boundary after ms. */
function nextQuarterHour(ms: number): number {
  return Math.ceil((ms + 1) / (15 * MINUTE_MS)) * 15 * MINUTE_MS;
}

describe.each(BOARD_NAMES)("BLE address rotation on %s", (board) => {
  it("advertises from a fresh random static address from boot on, not the board's own", async () => {
    const device = await bootBoard(board);
    expect(device.macAddress).not.toBe(device.defaultAddress);
    expectValidRandomStatic(device.macAddress);
    const beforeReboot = device.macAddress;
    device.reboot();
    expect(device.macAddress).not.toBe(beforeReboot);
    expectValidRandomStatic(device.macAddress);
  });

  it("rotates at every quarter-hour step over a day: 96 different valid addresses, each on the boundary", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    const changes = recordAddressChanges(device);
    const bootAddress = device.macAddress;
    for (let hour = 0; hour < 24; hour++) device.advance(DAY_MS / 24);
    expect(changes).toHaveLength(96);
    for (const change of changes) {
      const intoQuarter = change.deviceMs % (15 * MINUTE_MS);
      expect(intoQuarter).toBeLessThan(1000);
      expectValidRandomStatic(change.address);
    }
    const addresses = [bootAddress, ...changes.map((c) => c.address)];
    for (let i = 1; i < addresses.length; i++) expect(addresses[i]).not.toBe(addresses[i - 1]);
    expect(new Set(addresses).size).toBe(addresses.length);
    // The address the radio uses is the last one set; advertising went on throughout (Puck.js:
    // its radio sleeps between read windows, and a press puts it on air from that address).
    expect(device.macAddress).toBe(changes[95].address);
    if (board === "puckjs") {
      expect(device.advertising()).toBeNull();
      device.pressButton();
      expect(device.macAddress).toBe(changes[95].address);
    }
    expect(device.advertising()).not.toBeNull();
  });

  it("never rotates while a central is connected: a boundary during a connection rotates right after the disconnect", async () => {
    const device = await bootBoard(board);
    provision(device, true);
    const boundary = nextQuarterHour(device.deviceNowMs() + MINUTE_MS);
    device.advance(boundary - MINUTE_MS / 2 - device.deviceNowMs());
    const changes = recordAddressChanges(device);
    const before = device.macAddress;
    device.bleConnect();
    device.advance(2 * MINUTE_MS); // the boundary passes while connected
    expect(changes).toEqual([]);
    expect(device.macAddress).toBe(before);
    device.bleDisconnect();
    expect(changes).toHaveLength(1);
    expect(changes[0].connected).toBe(false);
    expect(changes[0].deviceMs).toBeGreaterThan(boundary + MINUTE_MS);
    expect(device.macAddress).not.toBe(before);
    expectValidRandomStatic(device.macAddress);
    // The next boundary rotates on schedule again.
    device.advance(15 * MINUTE_MS);
    expect(changes).toHaveLength(2);
    expect(changes[1].deviceMs % (15 * MINUTE_MS)).toBeLessThan(1000);
    expect(changes.every((c) => !c.connected)).toBe(true);
  });

  it("booting with a central connected keeps the address until that central disconnects", async () => {
    const device = await bootBoard(board);
    device.bleConnect();
    const changes = recordAddressChanges(device);
    const before = device.macAddress;
    device.reboot();
    device.advance(MINUTE_MS);
    expect(changes).toEqual([]);
    device.bleDisconnect();
    expect(changes).toHaveLength(1);
    expect(device.macAddress).not.toBe(before);
  });
});
