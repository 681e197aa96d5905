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

export interface TransportDevice {
  advertising(): DeviceAdvertising | null;
  bleConnect(): void;
  bleDisconnect(): void;
  bleWrite(bytes: Uint8Array): void;
  serialWrite(bytes: Uint8Array): void;
  /** "bleData" and "serialData" carry a Uint8Array; "advertising" says advertising() changed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: "bleData" | "serialData" | "advertising", listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: "bleData" | "serialData" | "advertising", listener: (...args: any[]) => void): unknown;
}
