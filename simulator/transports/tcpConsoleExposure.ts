// A simulated device's serial console on a TCP port, for tools that speak to an Espruino over
// a network link: the official `espruino` command line tool connects with
// `-p tcp://127.0.0.1:<port>` (its pseudo-terminal lookup lists ports with udev and never
// finds a pseudo-terminal). One client at a time; bytes pass as on the serial console.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { TransportDevice } from "./transportDevice.js";

export class TcpConsoleExposure {
  private client: Socket | null = null;

  private constructor(
    private readonly server: Server,
    private readonly detach: () => void,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** port 0 picks a free one; host defaults to 127.0.0.1 (the console is not for the network at large). */
  static async open(device: TransportDevice, options: { port?: number; host?: string } = {}): Promise<TcpConsoleExposure> {
    let exposure: TcpConsoleExposure | null = null;
    const server = createServer((socket) => {
      if (exposure === null) return socket.destroy();
      if (exposure.client !== null) {
        socket.end("the console is in use by another client\r\n");
        return;
      }
      exposure.client = socket;
      socket.setNoDelay(true);
      socket.on("data", (data: Buffer) => device.serialWrite(new Uint8Array(data)));
      const gone = () => {
        if (exposure !== null && exposure.client === socket) exposure.client = null;
      };
      socket.on("close", gone);
      socket.on("error", gone);
    });
    const toClient = (bytes: Uint8Array) => {
      if (exposure?.client && !exposure.client.destroyed) exposure.client.write(Buffer.from(bytes));
    };
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
    device.on("serialData", toClient);
    exposure = new TcpConsoleExposure(server, () => device.off("serialData", toClient));
    return exposure;
  }

  async close(): Promise<void> {
    this.detach();
    this.client?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
