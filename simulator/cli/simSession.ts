// One tester's session with a simulated device: the commands typed at the prompt (or given
// with --script), each returning the text to print.
import { createHash } from "node:crypto";
import {
  decodeFrame, deriveDeviceKey, deviceIdHex, fromHex, groupDisplayCode, keyedReadMac, timeSyncMac, toHex, type HashFunction,
} from "../../protocol/index.js";
import type { SimulatedDevice } from "../device/simulatedDevice.js";
import { parseDuration } from "./durationText.js";
import type { SimOptions } from "./simOptions.js";
import { answerWithLabels, labelAnswer, type ClockEvent } from "./answerLabels.js";

const sha256: HashFunction = (m) => new Uint8Array(createHash("sha256").update(m).digest());

export const SESSION_HELP = `commands:
  show                 screen, code, advert, status
  screen               the framebuffer as pixels (Pixl.js, Bangle.js 2)
  press [ms]           press the button (default 100 ms)
  move                 shake the device (Puck.js, Bangle.js 2; a Pixl.js has no accelerometer)
  battery <percent>    set the battery level (below 15% is low)
  skew <duration>      jump the device clock, e.g. skew 90s, skew -2m
  drift <ppm>          set the clock's drift, e.g. drift 500
  advance <duration>   let time pass now, e.g. advance 5m (virtual time)
  power-loss           remove the battery and put it back (clock restarts at 1970)
  reboot               soft reboot (clock kept)
  send <line>          send one UART command line over serial, e.g. send STATUS (answers labelled)
  ble <line>           the same over the BLE Nordic UART
  sync                 authenticated time sync from the world clock (needs the key)
  png <path>           save the screen as a PNG (Pixl.js, Bangle.js 2)
  jsvars               estimated JsVars in use, peak, budget
  help                 this list
  quit                 stop`;

export class SimSession {
  readonly device: SimulatedDevice;
  readonly deviceId: number | null;
  readonly deviceKey: Uint8Array | null;
  /** Set once a transport exposes the device's links to a host (the tester then stays off them). */
  linksExposed = false;
  /** A stock board runs no firmware: its console is Espruino's REPL, not the fob's commands. */
  readonly stock: boolean;
  /** What this session last did that leaves the device distrusting its clock (sync clears it). */
  private lastClockEvent: ClockEvent = null;

  constructor(device: SimulatedDevice, options: SimOptions) {
    this.device = device;
    this.stock = options.stock;
    this.deviceId = options.id ? parseInt(options.id, 16) >>> 0 : null;
    this.deviceKey = options.key
      ? fromHex(options.key)
      : options.masterKey && this.deviceId !== null
        ? deriveDeviceKey(sha256, fromHex(options.masterKey)!, options.keyVersion, this.deviceId)
        : null;
  }

  /** One request line over a link; the device's answer line. */
  send(link: "serial" | "ble", line: string): string {
    const chunks: Uint8Array[] = [];
    const event = link === "serial" ? "serialData" : "bleData";
    const collect = (b: Uint8Array) => chunks.push(b);
    this.device.on(event, collect);
    try {
      const bytes = Buffer.from(line + "\n", "latin1");
      if (link === "serial") this.device.serialWrite(bytes);
      else {
        if (!this.device.isBleConnected()) this.device.bleConnect();
        for (let i = 0; i < bytes.length; i += 20) this.device.bleWrite(bytes.subarray(i, i + 20));
        this.device.bleDisconnect();
      }
    } finally {
      this.device.off(event, collect);
    }
    return Buffer.concat(chunks).toString("latin1").trimEnd();
  }

  provision(options: SimOptions): string[] {
    if (this.deviceId === null || this.deviceKey === null) return [];
    const lines = [
      this.send("serial", "PROV ID " + deviceIdHex(this.deviceId)),
      this.send("serial", `PROV KEY ${options.keyVersion} ${toHex(this.deviceKey)}`),
      this.send("serial", "PROV CLOCK " + Math.floor(this.device.worldNowMs() / 1000)),
    ];
    if (options.lock) lines.push(this.send("serial", "PROV LOCK"));
    return lines.map((l) => l.replace(/[0-9a-f]{64}/g, "<key>"));
  }

  private clockText(ms: number): string {
    return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
  }

  show(): string {
    const d = this.device;
    const out: string[] = [];
    out.push(`${d.facts.title} "${d.deviceName}"  world ${this.clockText(d.worldNowMs())}  device ${this.clockText(d.deviceNowMs())}`);
    if (this.linksExposed) {
      // The host owns the links now: asking STATUS or CODE here would put answers on its line.
      out.push("  (links exposed to the host: status from the advert; `send STATUS` / `send CODE` ask the device, and the host's link sees the answer)");
    } else if (this.stock) {
      out.push("  stock board: no firmware yet. Provision it first (start with --serial-pty or --hci-pty, then evv device provision ... --board " + d.facts.name + "); then it shows its codes");
    } else {
      const status = this.statusForView();
      out.push(`  status: ${labelAnswer(status, this.lastClockEvent) ?? (status || "no answer from the device")}`);
      const code = this.send("serial", "CODE");
      const words = code.split(" ");
      out.push(words[0] === "OK" ? `  code ${groupDisplayCode(words[2])}  (step ${words[3]})` : `  code: ${labelAnswer(code, this.lastClockEvent) ?? (code || "no answer from the device")}`);
    }
    const ad = d.advertising();
    if (ad === null) out.push("  advertising: none");
    else if (ad.manufacturerData.length === 24) {
      const frame = decodeFrame(ad.manufacturerData);
      out.push(`  advert 0x${ad.manufacturerId.toString(16)} ${toHex(ad.manufacturerData)} step ${frame?.step} status ${frame?.status.toString(16).padStart(2, "0")} every ${ad.intervalMs} ms`);
    } else out.push(`  advertising name "${ad.name}" every ${ad.intervalMs} ms`);
    out.push(`  NFC: ${d.nfcUri() ?? "-"}   LEDs/buttons: ${JSON.stringify(d.pinLevels())}   battery ${d.batteryPercent()}%   JsVars ${d.jsVarsUsed()}/${d.jsVarBudget}`);
    if (d.facts.screen) {
      const text = d.screenText().split("\n");
      const width = Math.max(...text.map((l) => l.length), 10);
      out.push("  +" + "-".repeat(width + 2) + "+");
      for (const line of text) out.push("  | " + line.padEnd(width) + " |");
      out.push("  +" + "-".repeat(width + 2) + "+");
    }
    if (d.failure) out.push(`  DEVICE STOPPED: ${d.failure}`);
    return out.join("\n");
  }

  /**
   * STATUS for the view: a locked fob answers plain STATUS with board, locked and firmware
   * only, so a session that holds the key asks as a key holder (SYNCREQ, then STATUS <mac>,
   * SPEC.md §10) and shows the full answer; without the key it shows the short one.
   */
  private statusForView(): string {
    const plain = this.send("serial", "STATUS");
    if (this.deviceId === null || this.deviceKey === null || plain.split(/\s+/)[4] !== "-") return plain;
    const request = this.send("serial", "SYNCREQ").split(" ");
    if (request[0] !== "OK") return plain;
    const mac = keyedReadMac(sha256, this.deviceKey, this.deviceId, fromHex(request[3])!, "STATUS");
    const keyed = this.send("serial", `STATUS ${toHex(mac)}`);
    return keyed.startsWith("OK STATUS") ? keyed : plain;
  }

  private screenPixels(): string {
    const rows = this.device.screenAscii().split("\n");
    if (rows.length < 2) return `${this.device.facts.title} has no display`;
    const out: string[] = [];
    for (let y = 0; y < rows.length; y += 2) {
      let line = "";
      for (let x = 0; x < rows[y].length; x++) {
        const top = rows[y][x] === "#";
        const bottom = rows[y + 1]?.[x] === "#";
        line += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
      }
      out.push(line);
    }
    return out.join("\n");
  }

  private sync(): string {
    if (this.deviceId === null || this.deviceKey === null) return "sync needs the device key: start with --id and --key or --master-key";
    const request = this.send("serial", "SYNCREQ").split(" ");
    if (request[0] !== "OK") return answerWithLabels(request.join(" "), this.lastClockEvent);
    const now = Math.floor(this.device.worldNowMs() / 1000);
    const mac = timeSyncMac(sha256, this.deviceKey, this.deviceId, fromHex(request[3])!, now);
    const answer = this.send("serial", `SYNC ${now} ${toHex(mac)}`);
    if (answer.startsWith("OK")) this.lastClockEvent = null;
    return answerWithLabels(answer, this.lastClockEvent) + "\n" + this.show();
  }

  /** Runs one typed command; returns what to print, or null to quit. */
  run(input: string): string | null {
    const trimmed = input.trim();
    if (trimmed.length === 0) return "";
    const [command, ...rest] = trimmed.split(/\s+/);
    const arg = rest.join(" ");
    const d = this.device;
    switch (command) {
      case "quit":
      case "exit":
        return null;
      case "help":
        return SESSION_HELP;
      case "show":
        return this.show();
      case "screen":
        return this.screenPixels();
      case "press":
        d.pressButton(arg ? parseDuration(arg.endsWith("s") ? arg : arg + "ms") : 100);
        return this.show();
      case "move":
        if (d.facts.motion === null) return `${d.facts.title} has no accelerometer: move changes nothing on it (the moved flag is for Puck.js and Bangle.js 2)`;
        d.move();
        // A Puck.js samples its accelerometer only when it wakes (firmware/README.md "Battery and the wake schedule").
        if (d.facts.motion === "puck")
          return `moved the ${d.facts.title}: the firmware sets the moved flag (status 02) at its next button press, BLE connection or quarter-hour wake, when it reads the accelerometer (press shows it)\n` + this.show();
        return `moved the ${d.facts.title}: the firmware sets the moved flag (status 02)\n` + this.show();
      case "battery": {
        const percent = Number(arg);
        if (!(percent >= 0 && percent <= 100)) return "battery needs a percent 0..100";
        d.setBattery(percent);
        return `battery ${percent}% (the device reads it at its next rotation)`;
      }
      case "skew": {
        const ms = parseDuration(arg);
        d.skewClock(ms);
        if (ms < 0) this.lastClockEvent = { kind: "set-back", by: `skew ${arg}` };
        return `device clock now ${this.clockText(d.deviceNowMs())}${ms < 0 ? " (set back: the firmware stops trusting a clock that goes back; `sync` sets it again)" : ""}`;
      }
      case "drift": {
        const ppm = Number(arg);
        if (!Number.isFinite(ppm)) return "drift needs a number of ppm, e.g. drift 500";
        d.setDriftPpm(ppm);
        return `drift ${ppm} ppm`;
      }
      case "advance":
        d.advance(parseDuration(arg));
        return this.show();
      case "power-loss":
        d.powerLoss();
        this.lastClockEvent = { kind: "power-loss" };
        return this.show();
      case "reboot":
        d.reboot();
        return this.show();
      case "send":
        return answerWithLabels(this.send("serial", arg), this.lastClockEvent);
      case "ble":
        return answerWithLabels(this.send("ble", arg), this.lastClockEvent);
      case "sync":
        return this.sync();
      case "png":
        if (!arg) return "png needs a file path";
        if (d.facts.screen === null) return `${d.facts.title} has no display: png works on Pixl.js and Bangle.js 2 (nothing saved)`;
        d.saveScreenPng(arg);
        return `saved ${arg}`;
      case "jsvars":
        return `JsVars: ${d.jsVarsUsed()} in use, peak ${d.jsVarsPeak()}, budget ${d.jsVarBudget} (estimate: simulator/README.md)`;
      default:
        return `unknown command "${command}"; type help`;
    }
  }
}
