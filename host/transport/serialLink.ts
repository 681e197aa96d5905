// The serial DeviceLink: the line protocol over a serial console.
import type { DeviceLink } from "./deviceLink.js";
import { LineLink } from "./lineLink.js";
import { openSerialPipe } from "./serialPipe.js";

export async function openSerialLink(path: string, baudRate: number, maxLineLength?: number): Promise<DeviceLink> {
  const pipe = await openSerialPipe(path, baudRate);
  return new LineLink("serial", `serial ${path} at ${baudRate} baud`, pipe, maxLineLength);
}
