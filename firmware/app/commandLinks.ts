// The two command links, the serial console UART (Serial1) and the BLE Nordic UART
// (Bluetooth). The JavaScript console is parked on a loopback device with {force: true}, so
// bytes from either link reach the firmware's own line reader, never the interpreter. Only
// PROV CONSOLE (refused once the device is locked) hands the console to the asking link.
import { ERR_TOO_LONG, UART_MAX_REQUEST_LENGTH } from "../../protocol/uartCommands.js";
import { bluetooth, espruinoE, nrf, serial1, type EspruinoSerialDevice } from "../espruino/espruinoGlobals.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { answerCommand } from "./uartCommandHandlers.js";

/** Where the console is parked while the firmware owns both links. */
export const PARKED_CONSOLE = "LoopbackA";
export const SERIAL_BAUD = 9600;

interface LineReader {
  buffer: string;
  /** True while discarding the rest of an over-long line. */
  overflowed: boolean;
}

export function parkConsole(ctx: FirmwareContext): void {
  ctx.consoleLink = null;
  espruinoE().setConsole(PARKED_CONSOLE, { force: true });
}

function handleLine(ctx: FirmwareContext, linkName: string, device: EspruinoSerialDevice, line: string): void {
  let outcome;
  try {
    outcome = answerCommand(ctx, line);
  } catch (e) {
    outcome = { answer: "ERR INTERNAL " + String(e).slice(0, 60), handConsoleOver: false };
  }
  if (outcome.answer !== null) device.write(outcome.answer + "\n");
  if (outcome.handConsoleOver) {
    ctx.consoleLink = linkName;
    espruinoE().setConsole(linkName, { force: true });
  }
}

function feed(ctx: FirmwareContext, linkName: string, device: EspruinoSerialDevice, reader: LineReader, data: string): void {
  let rest = data;
  while (rest.length > 0) {
    const end = rest.indexOf("\n");
    const piece = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? "" : rest.slice(end + 1);
    if (!reader.overflowed) {
      reader.buffer += piece;
      if (reader.buffer.length > UART_MAX_REQUEST_LENGTH + 1) {
        reader.overflowed = true;
        reader.buffer = "";
      }
    }
    if (end < 0) return;
    if (reader.overflowed) {
      device.write("ERR " + ERR_TOO_LONG + " a request line is at most " + UART_MAX_REQUEST_LENGTH + " characters\n");
    } else {
      let line = reader.buffer;
      if (line.length > 0 && line[line.length - 1] === "\r") line = line.slice(0, line.length - 1);
      if (line.length > UART_MAX_REQUEST_LENGTH)
        device.write("ERR " + ERR_TOO_LONG + " a request line is at most " + UART_MAX_REQUEST_LENGTH + " characters\n");
      else handleLine(ctx, linkName, device, line);
    }
    reader.buffer = "";
    reader.overflowed = false;
  }
}

function attach(ctx: FirmwareContext, linkName: string, device: EspruinoSerialDevice): LineReader {
  const reader: LineReader = { buffer: "", overflowed: false };
  device.on("data", function (data: string) {
    feed(ctx, linkName, device, reader, data);
  });
  return reader;
}

export function attachCommandLinks(ctx: FirmwareContext): void {
  const serial = serial1();
  if (serial.setup !== undefined) serial.setup(SERIAL_BAUD);
  attach(ctx, "Serial1", serial);
  const bleReader = attach(ctx, "Bluetooth", bluetooth());
  nrf().on("connect", function () {
    bleReader.buffer = "";
    bleReader.overflowed = false;
    // Espruino would move an unforced console to Bluetooth; keep it parked (or where PROV
    // CONSOLE put it).
    if (ctx.consoleLink === null) parkConsole(ctx);
  });
  nrf().on("disconnect", function () {
    bleReader.buffer = "";
    bleReader.overflowed = false;
    // A console handed to BLE goes back to its parking place when that link goes away.
    if (ctx.consoleLink === "Bluetooth") parkConsole(ctx);
  });
  parkConsole(ctx);
}
