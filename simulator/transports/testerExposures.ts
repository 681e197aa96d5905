// The tester's command (evv-sim) exposes its simulated device to real host programs:
//   --hci-pty      an emulated HCI controller on a pseudo-terminal; the host runs
//                  BLUETOOTH_HCI_SOCKET_UART_PORT=<path> evv read --ble ...
//   --serial-pty   the device's serial console on a pseudo-terminal; evv read --serial <path>
//   --serial-baud <rate>  pace the console like the board's UART (0: pty speed, the default)
//   --rssi <dBm>   the signal strength the HCI scanner hears (default -55)
//   --link-fault <kind[:COMMAND]>  drop, garbage, oversized or silent on the host's next COMMAND (CHAL)
//   --console-tcp <port>  the serial console on 127.0.0.1:<port> (0: a free port), for the
//                  official tool: npx espruino -p tcp://127.0.0.1:<port> file.js
// Registered in simulator/cli/deviceExposures.ts.
import type { Command } from "commander";
import { z } from "zod";
import { HciExposure } from "./hciExposure.js";
import { parseLinkFault, type LinkFault } from "./linkFault.js";
import { SerialExposure } from "./serialExposure.js";
import { TcpConsoleExposure } from "./tcpConsoleExposure.js";
import type { TransportDevice } from "./transportDevice.js";

export interface TesterExposure {
  addOptions(command: Command): void;
  start(device: TransportDevice, flags: Record<string, unknown>, log: (line: string) => void): Promise<(() => Promise<void>) | null>;
}

const exposureFlags = z.object({
  hciPty: z.boolean().optional(),
  serialPty: z.boolean().optional(),
  rssi: z.coerce.number().int().min(-127, "--rssi must be -127..20 dBm").max(20, "--rssi must be -127..20 dBm").default(-55),
  serialBaud: z.coerce.number().int().min(0, "--serial-baud must be 0 or a positive baud rate").default(0),
  linkFault: z.string().optional(),
  consoleTcp: z.coerce.number().int().min(0, "--console-tcp must be a TCP port 0..65535").max(65535, "--console-tcp must be a TCP port 0..65535").optional(),
});

function parseFlags(flags: Record<string, unknown>): { hciPty?: boolean; serialPty?: boolean; rssi: number; serialBaud: number; consoleTcp?: number; fault: LinkFault | null } {
  const parsed = exposureFlags.parse(flags);
  return { ...parsed, fault: parsed.linkFault ? parseLinkFault(parsed.linkFault) : null };
}

export const hciPtyExposure: TesterExposure = {
  addOptions(command) {
    command
      .option("--hci-pty", "expose the device over an emulated HCI controller on a pseudo-terminal (for noble: BLUETOOTH_HCI_SOCKET_UART_PORT)")
      .option("--rssi <dBm>", "signal strength the HCI scanner hears", "-55")
      .option("--link-fault <kind[:COMMAND]>", "drop, garbage, oversized or silent in place of the answer to the host's next COMMAND (default CHAL)");
  },
  async start(device, flags, log) {
    const f = parseFlags(flags);
    if (!f.hciPty) return null;
    const hci = await HciExposure.open();
    const address = hci.addDevice(device, { rssi: f.rssi });
    if (f.fault) hci.injectFault(f.fault);
    log(`HCI controller on ${hci.hostPath}, device ${address} at ${f.rssi} dBm`);
    if (flags.stock === true)
      log(`  a stock board: provision it first: BLUETOOTH_HCI_SOCKET_UART_PORT=${hci.hostPath} npx evv device provision --ble ${address} --board ${String(flags.board)}`);
    else log(`  read it: BLUETOOTH_HCI_SOCKET_UART_PORT=${hci.hostPath} npx evv read --ble --check-in --provider <n> --client <nd>`);
    // The firmware changes its address every quarter-hour: say where it is heard now.
    const onAddress = (now: string) => log(`device now advertises from ${now.split(" ")[0]}`);
    device.on("address", onAddress);
    return async () => {
      device.off("address", onAddress);
      await hci.close();
    };
  },
};

export const serialPtyExposure: TesterExposure = {
  addOptions(command) {
    command
      .option("--serial-pty", "expose the device's serial console on a pseudo-terminal (for serialport)")
      .option("--serial-baud <rate>", "pace the console at this baud rate, as the board's UART would (0: pseudo-terminal speed)", "0");
  },
  async start(device, flags, log) {
    const f = parseFlags(flags);
    if (!f.serialPty) return null;
    const serial = await SerialExposure.open(device, { fault: f.fault, baudRate: f.serialBaud });
    log(`serial console on ${serial.hostPath}`);
    if (flags.stock === true) log(`  a stock board: provision it first: npx evv device provision --serial ${serial.hostPath} --board ${String(flags.board)}`);
    else log(`  read it: npx evv read --serial ${serial.hostPath} --check-in --provider <n> --client <nd>`);
    return () => serial.close();
  },
};

export const tcpConsoleExposure: TesterExposure = {
  addOptions(command) {
    command.option("--console-tcp <port>", "expose the device's serial console on 127.0.0.1:<port> (0: a free port) for `npx espruino -p tcp://127.0.0.1:<port>`");
  },
  async start(device, flags, log) {
    const f = parseFlags(flags);
    if (f.consoleTcp === undefined) return null;
    const tcp = await TcpConsoleExposure.open(device, { port: f.consoleTcp });
    log(`serial console on tcp://127.0.0.1:${tcp.port}`);
    log(`  upload to it: npx espruino -p tcp://127.0.0.1:${tcp.port} file.js`);
    return () => tcp.close();
  },
};
