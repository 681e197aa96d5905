import { describe, expect, it } from "vitest";
import type { TransportDevice } from "../../simulator/transports/transportDevice.js";
import { FRAME_COMPANY_ID, frameMatches } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";
import { bootBoard, DEVICE_ID, KEY, provision } from "../firmware/firmwareHarness.js";

describe("SimulatedDevice as the transports see it", () => {
  it("is a TransportDevice: adverts, BLE UART in 20-byte writes and notifications, serial, events on and off", async () => {
    const simulated = await bootBoard("puckjs");
    provision(simulated, true);
    simulated.pressButton(); // a provisioned Puck.js is on air only in the read window a press opens
    const device: TransportDevice = simulated;
    const ad = device.advertising()!;
    expect(ad.manufacturerId).toBe(FRAME_COMPANY_ID);
    expect(frameMatches(nodeSha256, KEY, DEVICE_ID, ad.manufacturerData)).toBe(true);
    const notifications: Uint8Array[] = [];
    const onBle = (b: Uint8Array) => notifications.push(b);
    device.on("bleData", onBle);
    device.bleConnect();
    expect(device.advertising()).toBeNull();
    const request = new TextEncoder().encode("CHAL " + "0f".repeat(16) + "\n");
    for (let i = 0; i < request.length; i += 20) device.bleWrite(request.subarray(i, i + 20));
    device.off("bleData", onBle);
    device.bleDisconnect();
    expect(notifications.length).toBeGreaterThan(1);
    expect(notifications.every((n) => n.length <= 20)).toBe(true);
    expect(Buffer.concat(notifications).toString()).toMatch(/^OK CHAL 00c0ffee \d+ 08 \d+ [0-9a-f]{32}\n$/);
    const serial: Uint8Array[] = [];
    device.on("serialData", (b: Uint8Array) => serial.push(b));
    device.serialWrite(new TextEncoder().encode("STATUS\r\n"));
    expect(Buffer.concat(serial).toString()).toMatch(/^OK STATUS - puckjs - - - - 1 /); // locked: nothing a passer-by does not see
    // The reader got its answer and left: the Puck.js is off air until the next press.
    expect(device.advertising()).toBeNull();
    simulated.pressButton();
    expect(device.advertising()).not.toBeNull();
  });
});
