// The fob the end-to-end tests read: for now the transport FakeDevice; to be replaced by the
// real SimulatedDevice running dist/firmware/<board>.js, provisioned and locked.
import { FakeDevice } from "../transport/fakeDevice.js";
import type { TransportDevice } from "../../simulator/transports/transportDevice.js";
import { makeDisplayCode, stepOf } from "../../protocol/index.js";
import { nodeSha256 } from "../../host/crypto/nodeSha256.js";

export interface FobUnderTest {
  device: TransportDevice;
  deviceId: number;
  key: Uint8Array;
  /** The display code the fob shows now. */
  displayCode(): Promise<string>;
  /** Stops advertising (the fob is switched off or out of battery). */
  stopAdvertising(): void;
  stop(): Promise<void>;
}

export async function startFob(deviceId: number): Promise<FobUnderTest> {
  const device = new FakeDevice(deviceId);
  return {
    device,
    deviceId,
    key: device.key,
    displayCode: async () => makeDisplayCode(nodeSha256, device.key, deviceId, stepOf(Math.floor(Date.now() / 1000)), 0),
    stopAdvertising: () => {
      device.advertisingOn = false;
    },
    stop: async () => undefined,
  };
}
