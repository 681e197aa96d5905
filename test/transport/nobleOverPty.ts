// A fresh, unchanged noble stack per test, talking over its real UART driver (serialport) to
// the emulated HCI controller on a pseudo-terminal: the same path as
// BLUETOOTH_HCI_SOCKET_UART_PORT, without a subprocess.
import { createRequire } from "node:module";
import type { Noble } from "@stoprocent/noble";

const require = createRequire(import.meta.url);

export function nobleOnUart(port: string): Noble {
  const { withBindings } = require("@stoprocent/noble") as { withBindings: (type: string, options: object) => Noble };
  return withBindings("hci", { hciDriver: "uart", bindParams: { uart: { port, baudRate: 1000000 } } });
}
