// What the transports need from a simulated device: the members of SimulatedDevice
// (simulator/device/simulatedDevice.ts) that a radio and a serial console would touch.
// Typed structurally so a transport works with any device object that has them.
export interface DeviceAdvertising {
  manufacturerId: number;
  manufacturerData: Uint8Array;
  intervalMs: number;
  connectable: boolean;
  nameInPacket: boolean;
  /** The device name, sent in the packet when nameInPacket. */
  name?: string | null;
}

export type TransportDeviceEvent = "bleData" | "serialData" | "advertising" | "bleDisconnected" | "address";

export interface TransportDevice {
  advertising(): DeviceAdvertising | null;
  bleConnect(): void;
  bleDisconnect(): void;
  bleWrite(bytes: Uint8Array): void;
  serialWrite(bytes: Uint8Array): void;
  /**
   * Its own BLE address now, "c4:..:.. random", when it has one. A device that rotates its
   * address (the EVV firmware does, every 15 minutes) reports the current one here and emits
   * "address"; the radio reads it at every advertising event and connection attempt.
   */
  readonly macAddress?: string;
  /**
   * "bleData" and "serialData" carry a Uint8Array; "advertising" says advertising() changed;
   * "bleDisconnected" says the device ended the connection itself (or lost power); "address"
   * carries the new macAddress.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: TransportDeviceEvent, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: TransportDeviceEvent, listener: (...args: any[]) => void): unknown;
}
