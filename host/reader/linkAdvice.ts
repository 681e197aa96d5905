// What a caregiver can do when a read fails, by what failed: the reader says what broke and
// then what to try (again, closer, the button, the battery, the typed code).
import type { LinkFault } from "../transport/linkError.js";

export type ReadLink = "ble" | "serial";

const TYPED_FALLBACK = "or type the 12 digits the fob shows with --typed";

export function linkAdvice(fault: LinkFault, link: ReadLink): string {
  switch (fault) {
    case "not-found":
      return `move closer to the fob (within a few metres), press its button to wake it, and try again; if it never shows up, check its battery (the LED should blink when you press the button), ${TYPED_FALLBACK}`;
    case "timeout":
      return link === "ble"
        ? `try again holding the reader close to the fob until it finishes; if it keeps happening, press the fob's button and check its battery, ${TYPED_FALLBACK}`
        : `try again; check that the cable is firmly plugged in at both ends and that the fob's battery is not flat, ${TYPED_FALLBACK}`;
    case "dropped":
      return link === "ble" ? "try again, keeping the reader still and close to the fob until the read finishes" : "try again; check that the cable stays plugged in until the read finishes";
    case "garbage":
    case "oversized":
    case "malformed":
      return `try again; if it happens again the fob may be faulty: ${TYPED_FALLBACK.replace(/^or /, "")}, and tell HHS`;
    case "refused":
      return `try again; if the fob refuses again, ${TYPED_FALLBACK.replace(/^or /, "")} and tell HHS`;
    case "unavailable":
      return link === "ble"
        ? "turn Bluetooth on on this reader (or set BLUETOOTH_HCI_SOCKET_UART_PORT to the Bluetooth controller's port) and try again"
        : "check the port name (for example /dev/ttyACM0) and that the cable is plugged in, then try again";
  }
}
