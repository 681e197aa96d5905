// A fresh, unchanged noble stack per test, talking over its real UART driver (serialport) to
// the emulated HCI controller on a pseudo-terminal: the same path as
// BLUETOOTH_HCI_SOCKET_UART_PORT, without a subprocess.
export { nobleOnHciUart as nobleOnUart } from "../../host/transport/bluetoothAdapter.js";
