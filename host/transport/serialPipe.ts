// A BytePipe over a serial port with the real `serialport` library: a USB-serial adapter
// wired to a Puck.js/Pixl.js console (9600 baud), or a simulator's pseudo-terminal.
// serialport (a native module) is loaded when a port is opened, not when the `evv` command
// starts: every command loads this module through the CLI's command tree.
import { write as fsWrite } from "node:fs";
import type { BytePipe } from "./deviceLink.js";
import { LinkError } from "./linkError.js";

export const DEFAULT_SERIAL_BAUD = 9600;
/** How often a hang-up is looked for (see hangUpProbe). */
const HANG_UP_PROBE_MS = 200;

export async function openSerialPipe(path: string, baudRate: number): Promise<BytePipe> {
  const { SerialPort } = await import("serialport");
  const port = new SerialPort({ path, baudRate, autoOpen: false, hupcl: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(new LinkError("unavailable", `cannot open serial port ${path}: ${error.message}`)) : resolve())),
  );
  // Whatever sat in the line's buffers before we opened it is not an answer to us.
  await new Promise<void>((resolve) => port.flush(() => resolve()));
  let closing = false;
  const dropListeners: Array<(reason: string) => void> = [];
  const dropped = (reason: string) => {
    if (closing) return;
    closing = true;
    clearInterval(probe);
    for (const listener of dropListeners) listener(reason);
  };
  port.on("close", (error: { disconnected?: boolean; message?: string } | null) => {
    if (error) dropped(error.message ?? "serial port disconnected");
    else dropped("serial port closed");
  });
  port.on("error", (error: Error) => dropped(error.message));
  // A tty that hangs up (a pseudo-terminal's other end gone, a USB adapter pulled) reads as
  // end-of-file, which serialport retries forever instead of reporting. A zero-length write
  // sends nothing on a live line and fails with EIO on a hung-up one.
  const probe = setInterval(() => {
    const fd = (port.port as unknown as { fd?: number } | undefined)?.fd;
    if (closing || typeof fd !== "number") return;
    fsWrite(fd, Buffer.alloc(0), 0, 0, null, (error) => {
      if (error && !closing) {
        dropped(`serial line hung up (${error.code ?? error.message})`);
        port.close(() => undefined);
      }
    });
  }, HANG_UP_PROBE_MS);
  probe.unref();
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => (error ? reject(error) : port.drain((e) => (e ? reject(e) : resolve()))));
      }),
    onBytes: (listener) => port.on("data", (data: Buffer) => listener(new Uint8Array(data))),
    onDropped: (listener) => dropListeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(probe);
        if (closing || !port.isOpen) {
          closing = true;
          resolve();
          return;
        }
        closing = true;
        port.close(() => resolve());
      }),
  };
}
