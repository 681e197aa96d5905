// A simulated Espruino board running a firmware bundle from its Storage: the device the tests,
// the tester's command and the transports (simulator/transports/) talk to.
// simulator/README.md documents every member and event.
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { BOARD_FACTS, type BoardFacts, type BoardName } from "../../firmware/build/boardFacts.js";
import { checkEspruinoDialect } from "../../firmware/build/espruinoDialect.js";
import { VirtualClock } from "../runtime/virtualClock.js";
import { FlashStorage, type StorageSnapshot } from "../runtime/flashStorage.js";
import { EspruinoRuntime, type RuntimeHost } from "../runtime/espruinoRuntime.js";
import { JsVarEstimator, eventWorkBlocks } from "../runtime/jsVarEstimate.js";
import { buildAdvertising, bytesOf, type AdvertisingState } from "../runtime/advertisingPacket.js";
import { readType2TagUri } from "../runtime/nfcType2Reader.js";
import { ADDRESS_FORM_ERROR, INVALID_BLE_ADDR_ERROR, formatBleAddress, parseBleAddress, softdeviceAccepts } from "../runtime/bleAddress.js";
import { PowerLedger, type PowerCounts, type PowerState } from "./powerLedger.js";
import { SimulatedDeviceOptionsSchema, type ResolvedDeviceOptions, type SimulatedDeviceOptions } from "./simulatedDeviceOptions.js";

/** Thrown by create() for a bundle the interpreter would reject. */
export class BundleRefusedError extends Error {
  readonly problems: string[];
  constructor(path: string, problems: string[]) {
    super(`the simulator refuses ${path}: ${problems.length} problem(s) outside the Espruino dialect:\n  ${problems.join("\n  ")}`);
    this.name = "BundleRefusedError";
    this.problems = problems;
  }
}

/** Max bytes per Nordic UART notification with the default MTU (23 - 3). */
export const NUS_CHUNK_BYTES = 20;
export const OUT_OF_MEMORY = "Out of Memory";

/** What the device advertises now: the runtime's advertising state without its packet accounting. */
export type Advertisement = Omit<AdvertisingState, "packetBytes">;

export class SimulatedDevice extends EventEmitter {
  readonly board: BoardName;
  readonly facts: BoardFacts;
  readonly clock: VirtualClock;
  readonly storage: FlashStorage;
  readonly deviceName: string;
  /** The board's own random static address (FICR), used until the program sets another. */
  readonly defaultAddress: string;
  readonly jsVarBudget: number;
  readonly mode: "virtual" | "realtime";
  /** Why the interpreter stopped ("Out of Memory"), or null while it runs. */
  failure: string | null = null;
  /** Uncaught exceptions printed since creation, newest last. */
  readonly uncaughtErrors: string[] = [];
  private runtime!: EspruinoRuntime;
  private estimator!: JsVarEstimator;
  private battery: number;
  private connected = false;
  private taskQueue: Array<() => void> = [];
  private inTask = false;
  private rebootRequested = false;
  private lastJsVars = 0;
  private peakJsVars = 0;
  private consoleText = "";
  private realtimeTimer: NodeJS.Timeout | null = null;
  private readonly enforceBudget: boolean;
  private lastAdvertKey = "";
  private readonly power: PowerLedger;
  /** How the board lies (raw accelerometer units): what Puck.accel() reads; move() changes it. */
  private restingLie = { x: 0, y: 0, z: 8192 };
  /** Counters of the runtimes of earlier boots (each boot has a new runtime). */
  private readonly earlierBoots = { nativeHashes: 0, accelSingleReads: 0 };
  private address: string;
  /** Set by NRF.setAddress during a connection: applied when the softdevice restarts at the disconnect. */
  private queuedAddress: string | null = null;

  private constructor(options: ResolvedDeviceOptions) {
    super();
    this.board = options.board;
    this.facts = BOARD_FACTS[options.board];
    this.jsVarBudget = this.facts.jsVarBlocks;
    this.mode = options.clock.mode;
    this.enforceBudget = options.enforceJsVarBudget;
    this.battery = options.batteryPercent;
    this.clock = new VirtualClock(options.clock.startUnixMs, options.clock.rtcUnixMs ?? options.clock.startUnixMs, options.clock.driftPpm);
    this.storage = new FlashStorage(this.facts.storageBytes, this.facts.flashPageBytes, options.storage as StorageSnapshot | undefined);
    const seed = options.addressSeed === undefined ? randomBytes(6) : createHash("sha256").update(options.addressSeed).digest().subarray(0, 6);
    seed[0] |= 0xc0; // random static address
    this.defaultAddress = [...seed].map((b) => b.toString(16).padStart(2, "0")).join(":") + " random";
    this.address = this.defaultAddress;
    const short = seed[4].toString(16).padStart(2, "0") + seed[5].toString(16).padStart(2, "0");
    this.deviceName = `${this.facts.title.replace(" v2", "")} ${short}`;
    this.power = new PowerLedger(this.clock.worldMs, () => ({
      nativeHashes: this.earlierBoots.nativeHashes + (this.runtime?.nativeDigests ?? 0),
      accelSingleReads: this.earlierBoots.accelSingleReads + (this.runtime?.accelSingleReads ?? 0),
      flashBytesProgrammed: this.storage.wear.bytesProgrammed,
    }));
  }

  // ---- power -----------------------------------------------------------------------------

  /** What costs battery, counted since creation or the last resetPowerCounts (powerLedger.ts). */
  powerCounts(): PowerCounts {
    return this.power.read(this.clock.worldMs);
  }

  resetPowerCounts(): void {
    this.power.reset(this.clock.worldMs);
  }

  private powerState(): PowerState {
    const runtime = this.runtime;
    let ledsOn = 0;
    for (const [pin, level] of Object.entries(runtime.pins)) if (pin.startsWith("LED") && level) ledsOn++;
    return {
      advertisingIntervalMs: this.advertising()?.intervalMs ?? null,
      connected: this.connected,
      nfcStarted: runtime.nfcRawLink || runtime.nfcUri !== null,
      accelRateHz: runtime.accelRateHz,
      ledsOn,
    };
  }

  private observePower(): void {
    if (this.runtime) this.power.observe(this.clock.worldMs, this.powerState());
  }

  /** Creates and boots a device. With bundlePath the bundle is checked, written to ".boot0" and run. */
  static create(options: SimulatedDeviceOptions): SimulatedDevice {
    const parsed = SimulatedDeviceOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
      throw new Error(`invalid simulated device options: ${problems.join("; ")}`);
    }
    const device = new SimulatedDevice(parsed.data);
    if (parsed.data.bundlePath !== undefined) device.install(readFileSync(parsed.data.bundlePath, "latin1"), parsed.data.bundlePath);
    device.boot();
    if (device.mode === "realtime") device.runRealtime();
    return device;
  }

  /** Checks a bundle like the interpreter would and writes it as ".boot0" (no reboot). */
  install(code: string, label: string): void {
    const problems = checkEspruinoDialect(code, label).map((p) => p.message);
    if (problems.length > 0) throw new BundleRefusedError(label, problems);
    this.storage.write(".boot0", bytesOf(code), 0, 0);
  }

  // ---- running ---------------------------------------------------------------------------

  private host(): RuntimeHost {
    return {
      board: this.facts,
      clock: this.clock,
      storage: this.storage,
      deviceName: this.deviceName,
      defaultAddress: this.defaultAddress,
      currentAddress: () => this.address,
      setAddress: (address) => this.setAddress(address),
      batteryPercent: () => this.battery,
      bleConnected: () => this.connected,
      sendBle: (bytes) => {
        for (let i = 0; i < bytes.length; i += NUS_CHUNK_BYTES) this.emit("bleData", bytes.slice(i, i + NUS_CHUNK_BYTES));
      },
      sendSerial: (bytes) => this.emit("serialData", bytes),
      advertisingChanged: () => this.advertisingChanged(),
      nfcChanged: () => this.emit("nfc", this.nfcUri()),
      screenChanged: () => this.emit("screen"),
      consoleOutput: (text) => {
        this.consoleText = (this.consoleText + text).slice(-8192);
        this.emit("console", text);
      },
      requestReboot: () => {
        this.rebootRequested = true;
      },
      dropBle: () => this.taskQueue.push(() => this.bleDisconnect()),
    };
  }

  private boot(): void {
    this.failure = null;
    this.rebootRequested = false;
    if (this.runtime) {
      this.earlierBoots.nativeHashes += this.runtime.nativeDigests;
      this.earlierBoots.accelSingleReads += this.runtime.accelSingleReads;
    }
    this.runtime = new EspruinoRuntime(this.host());
    this.runtime.restingAccel = this.restingLie; // how the board lies survives a reboot
    this.runtime.jsVarsUsed = () => this.lastJsVars;
    this.estimator = new JsVarEstimator(this.runtime.native);
    this.lastAdvertKey = "";
    // Until an application calls NRF.setAdvertising, Espruino advertises its name, connectable,
    // with the Nordic UART console: that is how a stock board is found and provisioned over BLE.
    this.runtime.advertising = buildAdvertising({}, {}, this.deviceName);
    this.runTask(() => this.runtime.boot());
    if (this.connected) this.runTask(() => this.runtime.bleLinkChanged(true));
    this.emit("boot");
    this.advertisingChanged();
  }

  /** Runs one interpreter event; events raised meanwhile queue behind it, as in Espruino's idle loop. */
  private runTask(task: () => void): void {
    if (this.failure !== null) return;
    this.taskQueue.push(task);
    if (this.inTask) return;
    this.inTask = true;
    try {
      while (this.taskQueue.length > 0 && this.failure === null) {
        const next = this.taskQueue.shift()!;
        this.power.wokeUp();
        try {
          next();
        } catch (error) {
          const e = error as { name?: string; message?: string };
          const text = `Uncaught ${e?.name ?? "Error"}: ${e?.message ?? String(error)}`;
          this.uncaughtErrors.push(text);
          this.runtime.writeConsole(text + "\r\n");
          this.emit("uncaughtError", text);
        }
        this.account();
        this.observePower();
        if (this.rebootRequested) {
          this.taskQueue = [];
          this.inTask = false;
          this.reboot();
          return;
        }
      }
    } finally {
      this.inTask = false;
    }
  }

  private account(): void {
    if (this.failure !== null) return;
    const roots = [...this.runtime.programGlobals(), ...this.runtime.heldCallbacks()];
    this.lastJsVars = this.estimator.estimate(roots);
    if (this.lastJsVars > this.peakJsVars) this.peakJsVars = this.lastJsVars;
    // An event that holds this much also needs room for its work (eventWorkBlocks).
    const needed = this.lastJsVars + eventWorkBlocks(this.facts.cryptoFunctions);
    if (this.enforceBudget && needed > this.jsVarBudget) {
      this.failure = OUT_OF_MEMORY;
      this.runtime.writeConsole(`ERROR: Out of Memory! (${needed} of ${this.jsVarBudget} JsVars)\r\nExecution Interrupted\r\n`);
      this.clock.clearTimers();
      this.emit("outOfMemory", needed);
    }
  }

  /** Virtual mode: moves world time forward by ms, running every timer due on the way. */
  advance(ms: number): void {
    const until = this.clock.worldMs + ms;
    for (;;) {
      const due = this.failure === null ? this.clock.nextDue(until) : null;
      if (due === null) break;
      this.runTask(() => due.callback(...due.args));
    }
    this.clock.moveTo(until);
  }

  /**
   * The virtual clock follows the wall clock (times `speed`) until stop(); started by create()
   * in "realtime" mode. The interval is unref'd: it does not keep the process alive alone.
   */
  runRealtime(speed = 1): void {
    this.stop();
    let last = Date.now();
    this.realtimeTimer = setInterval(() => {
      const now = Date.now();
      this.advance((now - last) * speed);
      last = now;
    }, 20);
    this.realtimeTimer.unref();
  }

  stop(): void {
    if (this.realtimeTimer !== null) clearInterval(this.realtimeTimer);
    this.realtimeTimer = null;
  }

  // ---- links -----------------------------------------------------------------------------

  isBleConnected(): boolean {
    return this.connected;
  }

  bleConnect(): void {
    if (this.connected) return;
    this.connected = true;
    this.observePower();
    this.emit("bleConnected");
    this.runTask(() => {
      this.runtime.bleLinkChanged(true);
      this.runtime.emit("NRF.connect", "aa:bb:cc:dd:ee:ff public");
    });
  }

  bleDisconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.observePower();
    this.applyQueuedAddress();
    this.emit("bleDisconnected");
    this.runTask(() => {
      this.runtime.bleLinkChanged(false);
      this.runtime.emit("NRF.disconnect", 19);
    });
  }

  // ---- the BLE address ---------------------------------------------------------------------

  /**
   * The address the device advertises from and is connected to now, "aa:bb:cc:dd:ee:ff random":
   * the board's default until the program calls NRF.setAddress. Emits "address" on a change.
   */
  get macAddress(): string {
    return this.address;
  }

  /**
   * NRF.setAddress as Espruino 2v29 does it: the argument is parsed (ADDRESS_FORM_ERROR), then
   * the softdevice restarts with it, at once when no central is connected (advertising goes
   * on with the same data from the new address; a random static address without its two top
   * bits set throws INVALID_BLE_ADDR), else queued until the connection closes.
   */
  private setAddress(value: unknown): void {
    const parsed = parseBleAddress(value);
    if (parsed === null) throw new Error(ADDRESS_FORM_ERROR);
    if (this.connected) {
      this.runtime.writeConsole("BLE Connected, queueing BLE restart for later\n");
      this.queuedAddress = formatBleAddress(parsed);
      return;
    }
    if (!softdeviceAccepts(parsed)) throw new Error(INVALID_BLE_ADDR_ERROR);
    this.changeAddress(formatBleAddress(parsed));
  }

  /** The softdevice restart queued by NRF.setAddress during a connection, at its end. */
  private applyQueuedAddress(): void {
    const queued = this.queuedAddress;
    this.queuedAddress = null;
    if (queued === null) return;
    if (softdeviceAccepts(parseBleAddress(queued)!)) this.changeAddress(queued);
    else this.runtime.writeConsole(`ERROR: ${INVALID_BLE_ADDR_ERROR}\r\n`);
  }

  private changeAddress(address: string): void {
    if (address === this.address) return;
    this.address = address;
    this.emit("address", address);
  }

  /** Host to device over the Nordic UART RX characteristic. */
  bleWrite(bytes: Uint8Array): void {
    if (!this.connected) throw new Error("BLE is not connected: call bleConnect() first");
    if (!this.runtime.uartEnabled) throw new Error("the Nordic UART service is not enabled on this device");
    const text = Buffer.from(bytes).toString("latin1");
    this.runTask(() => this.runtime.receive("Bluetooth", text));
  }

  /** Host to device over the serial console UART (9600 baud on Puck.js/Pixl.js). */
  serialWrite(bytes: Uint8Array): void {
    const text = Buffer.from(bytes).toString("latin1");
    this.runTask(() => this.runtime.receive("Serial1", text));
  }

  /** Where the JavaScript console is: "Serial1", "Bluetooth", "LoopbackA", ... or null. */
  consoleDevice(): string | null {
    return this.runtime.consoleDevice;
  }

  /** The last 8 kB printed to the console device, whichever it was. */
  consoleLog(): string {
    return this.consoleText;
  }

  // ---- the world acting on the device ----------------------------------------------------

  /** Presses the button (BTN/BTN1) and releases it after ms. */
  pressButton(ms = 100, pin = "BTN1"): void {
    this.runTask(() => this.runtime.pinEdge(pin, true));
    this.advance(ms);
    this.runTask(() => this.runtime.pinEdge(pin, false));
  }

  /** Shakes the device: accelerometer readings with a jolt (Puck.js when accelOn, Bangle.js 2). */
  move(): void {
    if (this.facts.motion === "puck") {
      // It comes to rest lying differently (knocked over, carried off and put down).
      this.restingLie = this.restingLie.z === 8192 ? { x: 8192, y: 0, z: 0 } : { x: 0, y: 0, z: 8192 };
      this.runtime.restingAccel = this.restingLie;
      if (this.runtime.accelRateHz <= 0) return;
      for (const z of [8192, 3000, 12000, 8192]) this.runTask(() => this.runtime.emit("Puck.accel", { acc: { x: 400, y: -300, z }, gyro: { x: 900, y: 40, z: -700 } }));
    } else if (this.facts.motion === "bangle") {
      this.runTask(() => this.runtime.emit("Bangle.accel", { x: 0.4, y: -0.3, z: -0.2, diff: 0.9, mag: 0.55 }));
    }
  }

  setBattery(percent: number): void {
    if (!(percent >= 0 && percent <= 100)) throw new Error(`battery percent must be 0..100, got ${percent}`);
    this.battery = percent;
  }

  batteryPercent(): number {
    return this.battery;
  }

  /** Jumps the device's RTC by ms (positive: ahead); timers keep their intervals. */
  skewClock(ms: number): void {
    this.clock.rtcOffsetMs += ms;
  }

  setDriftPpm(ppm: number): void {
    this.clock.driftPpm = ppm;
  }

  /** World time, ms since the epoch. */
  worldNowMs(): number {
    return this.clock.worldMs;
  }

  /** What the device's RTC reads, ms since the epoch. */
  deviceNowMs(): number {
    return this.clock.deviceNowMs();
  }

  /** Soft reboot (E.reboot, load()): RAM lost, RTC and Storage kept. */
  reboot(): void {
    this.clock.clearTimers();
    this.emit("reboot");
    this.boot();
  }

  /** Power loss: RAM lost, the RTC restarts at 1970, Storage kept; the device boots again. */
  powerLoss(): void {
    if (this.connected) {
      this.connected = false;
      this.emit("bleDisconnected");
    }
    this.clock.powerLoss();
    this.queuedAddress = null;
    this.changeAddress(this.defaultAddress);
    this.emit("powerLoss");
    this.boot();
  }

  /** Hard reset: like power loss, and ".bootcde" does not survive (".boot0" does). */
  hardReset(): void {
    this.storage.erase(".bootcde");
    this.powerLoss();
  }

  // ---- what the device shows -------------------------------------------------------------

  private advertisingChanged(): void {
    const ad = this.advertising();
    const key = ad === null ? "" : JSON.stringify({ ...ad, manufacturerData: Buffer.from(ad.manufacturerData).toString("hex") });
    if (key === this.lastAdvertKey) return;
    this.lastAdvertKey = key;
    this.emit("advertising", ad);
  }

  /** The current advertisement; null while not advertising (connected, asleep, or nothing set yet). */
  advertising(): Advertisement | null {
    const ad: AdvertisingState | null = this.runtime.advertising;
    if (ad === null || this.connected) return null;
    return {
      manufacturerId: ad.manufacturerId,
      manufacturerData: new Uint8Array(ad.manufacturerData),
      intervalMs: ad.intervalMs,
      connectable: ad.connectable,
      nameInPacket: ad.nameInPacket,
      name: ad.name,
    };
  }

  /**
   * What a phone touching the device reads now (an NDEF URI), or null: the URI given to
   * NRF.nfcURL, or, when the firmware emulates the tag on the raw link, the URI read from it
   * with Type 2 Tag READ commands.
   */
  nfcUri(): string | null {
    if (this.runtime.nfcUri !== null) return this.runtime.nfcUri;
    if (!this.runtime.nfcRawLink) return null;
    return readType2TagUri((command) => this.nfcTransceive(command));
  }

  /**
   * One frame from an NFC reader on the raw link (after NRF.nfcStart): runs the program's
   * NRF.on('NFCrx') handlers and returns what it passed to NRF.nfcSend (bytes, or a 4-bit
   * ACK/NAK); null when NFC is not started or nothing was sent.
   */
  nfcTransceive(command: Uint8Array): Uint8Array | number | null {
    if (!this.runtime.nfcRawLink) return null;
    this.power.nfcFrame();
    this.runtime.nfcReply = null;
    const frame = new Uint8Array(command);
    const deliver = () => this.runtime.emit("NRF.NFCrx", this.runtime.sandboxBuffer(frame));
    // The reader waits for its answer, so a frame sent from inside an event is handled at once.
    if (this.inTask) deliver();
    else this.runTask(deliver);
    return this.runtime.nfcReply;
  }

  /** The strings on the screen, one row per line; "" on boards without a display. */
  screenText(): string {
    return this.runtime.graphics?.text() ?? "";
  }

  /** The framebuffer as ASCII art ("#" lit). */
  screenAscii(): string {
    return this.runtime.graphics?.ascii() ?? "";
  }

  saveScreenPng(path: string): void {
    if (!this.runtime.graphics) throw new Error(`${this.facts.title} has no display`);
    this.runtime.graphics.savePng(path);
  }

  /** LED and button pin levels (1 = on/pressed). */
  pinLevels(): Record<string, number> {
    return { ...this.runtime.pins };
  }

  jsVarsUsed(): number {
    return this.lastJsVars;
  }

  /** The estimated peak: the most ever held after an event plus the work of an event (eventWorkBlocks). */
  jsVarsPeak(): number {
    return this.peakJsVars + eventWorkBlocks(this.facts.cryptoFunctions);
  }

  storageSnapshot(): StorageSnapshot {
    return this.storage.snapshot();
  }

  /** Boot files the dialect check refused at the last boot. */
  refusedBootFiles(): string[] {
    return [...this.runtime.refusedBootFiles];
  }
}
