// One boot of the emulated Espruino interpreter: a node:vm context holding the objects the
// firmware talks to (NRF, E, Bluetooth, Serial1, Storage, crypto, Graphics, pins, Puck/Bangle,
// timers), the console routing and its REPL. Everything in RAM lives here and is thrown away
// on reboot or power loss; what persists (Storage, the clock, the battery) belongs to the
// SimulatedDevice that hosts it.
import vm from "node:vm";
import { createHash, randomBytes } from "node:crypto";
import type { BoardFacts } from "../../firmware/build/boardFacts.js";
import { checkEspruinoDialect } from "../../firmware/build/espruinoDialect.js";
import type { FlashStorage } from "./flashStorage.js";
import type { VirtualClock } from "./virtualClock.js";
import { GraphicsEmulation } from "./graphicsEmulation.js";
import { buildAdvertising, bytesOf, type AdvertisingState } from "./advertisingPacket.js";
import { applyPrelude } from "./sandboxPrelude.js";
import { ConsoleRepl } from "./consoleRepl.js";

/** What the runtime needs from the device that hosts it. */
export interface RuntimeHost {
  board: BoardFacts;
  clock: VirtualClock;
  storage: FlashStorage;
  deviceName: string;
  /** The board's own address (FICR), "aa:bb:cc:dd:ee:ff random". */
  defaultAddress: string;
  /** The address the radio uses now. */
  currentAddress(): string;
  /** NRF.setAddress: validated and softdevice restart emulated by the device (it throws as Espruino does). */
  setAddress(address: unknown): void;
  batteryPercent(): number;
  bleConnected(): boolean;
  /** Device to host over the Nordic UART TX characteristic. */
  sendBle(bytes: Uint8Array): void;
  sendSerial(bytes: Uint8Array): void;
  advertisingChanged(): void;
  nfcChanged(): void;
  screenChanged(): void;
  /** Text printed to the console device, whichever it is. */
  consoleOutput(text: string): void;
  requestReboot(): void;
  /** The host disconnects the BLE link (NRF.disconnect()). */
  dropBle(): void;
}

/** Files run at boot, in order (Espruino runs .boot0-3, then .bootcde). */
export const BOOT_FILES = [".boot0", ".boot1", ".boot2", ".boot3", ".bootcde"];
export const CONSOLE_DEVICES = ["Serial1", "Bluetooth", "LoopbackA", "LoopbackB"];

type Listener = (...args: unknown[]) => unknown;

interface Watch {
  id: number;
  pin: string;
  callback: Listener;
  edge: string;
  repeat: boolean;
}

export class EspruinoRuntime {
  readonly context: vm.Context;
  readonly graphics: GraphicsEmulation | null;
  readonly native = new WeakSet<object>();
  private readonly host: RuntimeHost;
  private readonly listeners = new Map<string, Listener[]>();
  private watches: Watch[] = [];
  private nextWatchId = 1;
  private baselineGlobals = new Set<string>();
  private readonly repl: ConsoleRepl;
  consoleDevice: string | null = "Serial1";
  consoleForced = false;
  advertising: AdvertisingState | null = null;
  /** After NRF.sleep() until NRF.wake(): nothing on air; setAdvertising keeps its data for the wake. */
  radioAsleep = false;
  advertisingWhileAsleep: AdvertisingState | null = null;
  nfcUri: string | null = null;
  nfcRaw: Uint8Array | null = null;
  /** True after NRF.nfcStart(): the program answers the reader's frames itself (NFCrx/nfcSend). */
  nfcRawLink = false;
  /** What the program passed to NRF.nfcSend for the frame being answered. */
  nfcReply: Uint8Array | number | null = null;
  uartEnabled = true;
  security: Record<string, unknown> = {};
  accelRateHz = 0;
  /** Native hash calls (require("crypto").SHA*): two per HMAC, for the power model's JavaScript time. */
  nativeDigests = 0;
  /** How the board lies (raw accelerometer units, 8192 = 1 g): what Puck.accel() reads; move() changes it. */
  restingAccel = { x: 0, y: 0, z: 8192 };
  /** Single readings taken with Puck.accel() (each powers the accelerometer up once). */
  accelSingleReads = 0;
  readonly pins: Record<string, number> = {};
  /** Boot files refused by the dialect check, with the first problem. */
  readonly refusedBootFiles: string[] = [];

  constructor(host: RuntimeHost) {
    this.host = host;
    this.graphics = host.board.screen ? new GraphicsEmulation(host.board.screen.width, host.board.screen.height, host.board.fonts) : null;
    if (this.graphics) this.graphics.onFlip = () => host.screenChanged();
    this.context = vm.createContext({});
    applyPrelude(this.context, () => host.clock.deviceNowMs());
    this.repl = new ConsoleRepl(
      (code) => vm.runInContext(code, this.context, { filename: "REPL" }),
      (text) => this.writeConsole(text),
    );
    this.installGlobals();
    this.baselineGlobals = new Set(Object.getOwnPropertyNames(this.globalObject()));
  }

  globalObject(): Record<string, unknown> {
    return vm.runInContext("this", this.context) as Record<string, unknown>;
  }

  // ---- events ----------------------------------------------------------------------------

  private on(key: string, fn: unknown): void {
    if (typeof fn !== "function") throw new Error("Expecting a function as event handler");
    const list = this.listeners.get(key) ?? [];
    list.push(fn as Listener);
    this.listeners.set(key, list);
  }

  private removeListener(key: string, fn: unknown): void {
    this.listeners.set(key, (this.listeners.get(key) ?? []).filter((f) => f !== fn));
  }

  emit(key: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(key) ?? [])]) fn(...args);
  }

  hasListeners(key: string): boolean {
    return (this.listeners.get(key) ?? []).length > 0;
  }

  /** Every function the runtime holds for the program (for the JsVar estimate). */
  heldCallbacks(): unknown[] {
    const out: unknown[] = [];
    for (const list of this.listeners.values()) out.push(...list);
    for (const w of this.watches) out.push(w.callback);
    out.push(...this.host.clock.registeredCallbacks());
    return out;
  }

  /** Globals the program created (not the interpreter's own). */
  programGlobals(): unknown[] {
    const g = this.globalObject();
    const out: unknown[] = [];
    for (const name of Object.getOwnPropertyNames(g)) if (!this.baselineGlobals.has(name)) out.push(name, g[name]);
    return out;
  }

  // ---- console ---------------------------------------------------------------------------

  writeConsole(text: string): void {
    this.host.consoleOutput(text);
    this.writeDevice(this.consoleDevice, text);
  }

  private writeDevice(device: string | null, text: string): void {
    if (device === "Bluetooth") {
      if (this.host.bleConnected()) this.host.sendBle(bytesOf(text));
    } else if (device === "Serial1") {
      this.host.sendSerial(bytesOf(text));
    } else if (device === "LoopbackA" || device === "LoopbackB") {
      const other = device === "LoopbackA" ? "LoopbackB" : "LoopbackA";
      if (this.consoleDevice === other) this.repl.feed(text);
      else this.emit(other + ".data", text);
    }
  }

  /** Bytes arriving on a link: to the REPL when the console is there, else to the program's handlers. */
  receive(device: "Serial1" | "Bluetooth", text: string): void {
    if (this.consoleDevice === device) this.repl.feed(text);
    else this.emit(device + ".data", text);
  }

  private setConsole(device: unknown, options: unknown): void {
    let name: string | null;
    if (device === null || device === undefined) name = null;
    else if (typeof device === "string") name = device;
    else {
      const found = CONSOLE_DEVICES.find((d) => this.globalObject()[d] === device);
      if (!found) throw new Error("Not a console device");
      name = found;
    }
    if (name !== null && !CONSOLE_DEVICES.includes(name)) throw new Error(`Unknown console device ${name}`);
    this.consoleDevice = name;
    this.consoleForced = !!(options && typeof options === "object" && (options as { force?: unknown }).force);
  }

  /** Espruino moves an unforced console to Bluetooth on connect and back on disconnect. */
  bleLinkChanged(connected: boolean): void {
    if (this.consoleForced) return;
    if (connected) this.consoleDevice = "Bluetooth";
    else if (this.consoleDevice === "Bluetooth") this.consoleDevice = "Serial1";
  }

  // ---- boot ------------------------------------------------------------------------------

  /** Runs the boot files from Storage; a file outside the Espruino dialect is refused, not run. */
  boot(): void {
    for (const name of BOOT_FILES) {
      const data = this.host.storage.read(name);
      if (!data) continue;
      const code = Buffer.from(data).toString("latin1");
      const problems = checkEspruinoDialect(code, name);
      if (problems.length > 0) {
        this.refusedBootFiles.push(problems[0].message);
        this.writeConsole(`Uncaught SyntaxError: ${problems[0].message}\r\n`);
        continue;
      }
      new vm.Script(code, { filename: name }).runInContext(this.context);
    }
  }

  // ---- the globals -----------------------------------------------------------------------

  private nativeObject<T extends object>(o: T): T {
    this.native.add(o);
    for (const v of Object.values(o)) if (typeof v === "function") this.native.add(v);
    return o;
  }

  /** Bytes as an ArrayBuffer of the sandbox's realm (what Espruino passes to handlers). */
  sandboxBuffer(bytes: Uint8Array): ArrayBuffer {
    return this.sandboxArrayBuffer(bytes);
  }

  private sandboxArrayBuffer(bytes: Uint8Array): ArrayBuffer {
    const SandboxArrayBuffer = this.globalObject().ArrayBuffer as ArrayBufferConstructor;
    const Sandbox8 = this.globalObject().Uint8Array as Uint8ArrayConstructor;
    const buffer = new SandboxArrayBuffer(bytes.length);
    new Sandbox8(buffer).set(bytes);
    return buffer;
  }

  private serialDevice(name: "Serial1" | "Bluetooth" | "LoopbackA" | "LoopbackB"): object {
    const self = this;
    const write = (...args: unknown[]) => {
      for (const a of args) self.writeDevice(name, Buffer.from(bytesOf(a)).toString("latin1"));
    };
    return this.nativeObject({
      write,
      print: (text: unknown) => write(String(text)),
      println: (text: unknown) => write(String(text) + "\r\n"),
      on: (event: string, fn: unknown) => self.on(name + "." + event, fn),
      removeListener: (event: string, fn: unknown) => self.removeListener(name + "." + event, fn),
      removeAllListeners: (event: string) => self.listeners.delete(name + "." + event),
      setConsole: (force: unknown) => self.setConsole(name, { force }),
      setup: () => undefined,
      available: () => 0,
    });
  }

  private pin(name: string): object {
    const self = this;
    this.pins[name] = 0;
    const pinObject = this.nativeObject({
      set: () => void (self.pins[name] = 1),
      reset: () => void (self.pins[name] = 0),
      write: (v: unknown) => void (self.pins[name] = v ? 1 : 0),
      read: () => self.pins[name] === 1,
      toggle: () => void (self.pins[name] = self.pins[name] ? 0 : 1),
      mode: () => undefined,
      getInfo: () => ({ name }),
      toString: () => name,
    });
    return pinObject;
  }

  private pinName(pin: unknown): string {
    const g = this.globalObject();
    for (const name of Object.keys(this.pins)) if (g[name] === pin) return name;
    if (typeof pin === "string" && pin in this.pins) return pin;
    throw new Error("Invalid pin");
  }

  /** A pin edge: runs the watches on it (the device calls this inside a task). */
  pinEdge(name: string, state: boolean): void {
    this.pins[name] = state ? 1 : 0;
    const time = this.host.clock.deviceNowMs() / 1000;
    for (const w of [...this.watches]) {
      if (w.pin !== name) continue;
      if ((w.edge === "rising" && !state) || (w.edge === "falling" && state)) continue;
      if (!w.repeat) this.watches = this.watches.filter((x) => x !== w);
      w.callback({ state, time, lastTime: time });
    }
  }

  private installGlobals(): void {
    const host = this.host;
    const board = host.board;
    const self = this;
    const g = this.globalObject();
    const clock = host.clock;

    const print = (...args: unknown[]) => self.writeConsole(args.map((a) => (typeof a === "string" ? a : self.repl.format(a))).join(" ") + "\r\n");
    g.print = print;
    // echo(0): no echo, results or prompt on the console until echo(1) (uploaders use it).
    g.echo = (on: unknown) => self.repl.setEcho(Boolean(on));
    g.console = this.nativeObject({ log: print, info: print, warn: print, error: print, debug: print });

    g.setTimeout = (fn: unknown, ms?: number, ...args: unknown[]) => {
      if (typeof fn !== "function") throw new Error("Function or String not supplied!");
      return clock.addTimer(fn as Listener, Number(ms ?? 0), false, args);
    };
    g.setInterval = (fn: unknown, ms?: number, ...args: unknown[]) => {
      if (typeof fn !== "function") throw new Error("Function or String not supplied!");
      return clock.addTimer(fn as Listener, Number(ms ?? 0), true, args);
    };
    const clear = (id?: unknown) => (id === undefined ? clock.clearTimers() : clock.removeTimer(id));
    g.clearTimeout = clear;
    g.clearInterval = clear;
    g.changeInterval = () => {
      throw new Error("changeInterval is not emulated");
    };
    g.getTime = () => clock.deviceNowMs() / 1000;
    g.setTime = (seconds: unknown) => clock.setDeviceTimeMs(Number(seconds) * 1000);

    g.require = (name: unknown) => {
      // Only what the board's build has (BoardFacts.modules): a module another board has is
      // refused here as it would be on this board.
      if (!board.modules.includes(String(name))) throw new Error(`Module ${String(name)} not found`);
      if (name === "Storage") return storageModule;
      if (name === "crypto") return cryptoModule;
      throw new Error(`Module ${String(name)} is in the ${board.title} build but not emulated`);
    };
    const storage = host.storage;
    const storageModule = this.nativeObject({
      read: (name: string, offset?: number, length?: number) => {
        const data = storage.read(String(name));
        if (!data) return undefined;
        const from = offset ?? 0;
        const to = length === undefined ? data.length : Math.min(data.length, from + length);
        return Buffer.from(data.subarray(from, to)).toString("latin1");
      },
      readArrayBuffer: (name: string) => {
        const data = storage.read(String(name));
        return data ? self.sandboxArrayBuffer(data) : undefined;
      },
      readJSON: (name: string, noExceptions?: boolean) => {
        const data = storage.read(String(name));
        if (!data) return undefined;
        try {
          return vm.runInContext("JSON.parse", self.context)(Buffer.from(data).toString("latin1"));
        } catch (e) {
          if (noExceptions) return undefined;
          throw e;
        }
      },
      write: (name: string, data: unknown, offset?: number, size?: number) => storage.write(String(name), bytesOf(data), offset ?? 0, size ?? 0),
      writeJSON: (name: string, value: unknown) => storage.write(String(name), bytesOf(JSON.stringify(value)), 0, 0),
      erase: (name: string) => storage.erase(String(name)),
      eraseAll: () => storage.eraseAll(),
      list: (pattern?: unknown) => {
        const names = storage.list();
        const filtered = pattern && typeof (pattern as RegExp).test === "function" ? names.filter((n) => (pattern as RegExp).test(n)) : names;
        return vm.runInContext("(function (a) { return a.slice(); })", self.context)(filtered);
      },
      getFree: () => storage.freeBytes(),
      compact: () => storage.compact(),
      getStats: () => ({ totalBytes: storage.capacityBytes, freeBytes: storage.freeBytes(), fileCount: storage.list().length }),
      open: () => {
        throw new Error("StorageFile (require('Storage').open) is not emulated");
      },
    });
    storage.onMessage = (text) => self.writeConsole(text.replace(/\n/g, "\r\n"));

    const digest = (algorithm: string) => (message: unknown) => {
      self.nativeDigests++;
      return self.sandboxArrayBuffer(new Uint8Array(createHash(algorithm).update(bytesOf(message)).digest()));
    };
    const hashes: Record<string, unknown> = { SHA1: digest("sha1"), SHA224: digest("sha224"), SHA256: digest("sha256"), SHA384: digest("sha384"), SHA512: digest("sha512") };
    const cryptoFunctions: Record<string, unknown> = {};
    for (const name of board.cryptoFunctions)
      cryptoFunctions[name] =
        hashes[name] ??
        (() => {
          throw new Error(`crypto.${name} is in the ${board.title} build but not emulated`);
        });
    const cryptoModule = this.nativeObject(cryptoFunctions);

    g.E = this.nativeObject({
      hwRand: () => randomBytes(4).readInt32BE(0),
      getBattery: () => Math.round(host.batteryPercent()),
      setConsole: (device: unknown, options: unknown) => self.setConsole(device, options),
      getConsole: () => self.consoleDevice ?? undefined,
      reboot: () => host.requestReboot(),
      lockConsole: () => undefined,
      setPassword: () => undefined,
      kickWatchdog: () => undefined,
      enableWatchdog: () => undefined,
      getTemperature: () => 21,
      on: (event: string, fn: unknown) => self.on("E." + event, fn),
      getSizeOf: () => 1,
      toString: (...args: unknown[]) => Buffer.from(bytesOf(args)).toString("latin1"),
      toUint8Array: (...args: unknown[]) => new (self.globalObject().Uint8Array as Uint8ArrayConstructor)(self.sandboxArrayBuffer(bytesOf(args))),
      toArrayBuffer: (text: unknown) => self.sandboxArrayBuffer(bytesOf(String(text))),
    });
    // Espruino's base64 works on binary strings (one char per byte).
    g.atob = (text: unknown) => {
      const clean = String(text).replace(/\s/g, "");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new Error("Invalid base64 string");
      return Buffer.from(clean, "base64").toString("latin1");
    };
    g.btoa = (text: unknown) => Buffer.from(bytesOf(text)).toString("base64");
    g.load = () => host.requestReboot();
    g.reset = () => host.requestReboot();
    g.process = this.nativeObject({
      version: "2v29",
      env: { VERSION: "2v29", BOARD: board.name.toUpperCase(), SERIAL: host.defaultAddress },
      memory: () => {
        const usage = self.jsVarsUsed();
        return { free: board.jsVarBlocks - usage, usage, total: board.jsVarBlocks, history: 0 };
      },
    });

    g.Bluetooth = this.serialDevice("Bluetooth");
    g.Serial1 = this.serialDevice("Serial1");
    g.LoopbackA = this.serialDevice("LoopbackA");
    g.LoopbackB = this.serialDevice("LoopbackB");

    const nrf: Record<string, unknown> = {
      setAdvertising: (data: unknown, options: unknown) => {
        const advertising = buildAdvertising(data, options as Record<string, unknown> | undefined, host.deviceName);
        // Asleep (NRF.sleep), the data is kept for NRF.wake but nothing goes on air.
        if (self.radioAsleep) self.advertisingWhileAsleep = advertising;
        else self.advertising = advertising;
        host.advertisingChanged();
      },
      setServices: (_services: unknown, options: unknown) => {
        self.uartEnabled = !(options && typeof options === "object" && (options as { uart?: unknown }).uart === false);
      },
      updateServices: () => undefined,
      setSecurity: (options: unknown) => {
        self.security = (options as Record<string, unknown>) ?? {};
      },
      getSecurityStatus: () => ({ connected: host.bleConnected(), encrypted: false, mitm_protected: false, bonded: false }),
      getAddress: (current?: unknown) => (current === true ? host.currentAddress() : host.defaultAddress),
      setAddress: (address: unknown) => host.setAddress(address),
      setTxPower: () => undefined,
      setConnectionInterval: () => undefined,
      disconnect: () => host.dropBle(),
      // NRF.sleep: advertising stops and a connected central is dropped; NRF.wake resumes with the last data.
      sleep: () => {
        if (self.radioAsleep) return;
        self.radioAsleep = true;
        self.advertisingWhileAsleep = self.advertising;
        self.advertising = null;
        if (host.bleConnected()) host.dropBle();
        host.advertisingChanged();
      },
      wake: () => {
        if (!self.radioAsleep) return;
        self.radioAsleep = false;
        self.advertising = self.advertisingWhileAsleep;
        self.advertisingWhileAsleep = null;
        host.advertisingChanged();
      },
      on: (event: string, fn: unknown) => self.on("NRF." + event, fn),
      removeListener: (event: string, fn: unknown) => self.removeListener("NRF." + event, fn),
    };
    if (board.hasNfc) {
      nrf.nfcURL = (url: unknown) => {
        self.nfcUri = String(url);
        self.nfcRaw = null;
        host.nfcChanged();
      };
      nrf.nfcRaw = (data: unknown) => {
        self.nfcRaw = bytesOf(data);
        self.nfcUri = null;
        host.nfcChanged();
      };
      nrf.nfcStart = () => {
        self.nfcUri = null;
        self.nfcRaw = null;
        self.nfcRawLink = true;
        host.nfcChanged();
        return self.sandboxArrayBuffer(new Uint8Array(10));
      };
      nrf.nfcSend = (reply: unknown) => {
        if (!self.nfcRawLink) throw new Error("NFC is not started (NRF.nfcStart)");
        self.nfcReply = typeof reply === "number" ? reply & 15 : bytesOf(reply);
      };
      nrf.nfcStop = () => {
        self.nfcUri = null;
        self.nfcRaw = null;
        self.nfcRawLink = false;
        host.nfcChanged();
      };
    }
    g.NRF = this.nativeObject(nrf);

    if (board.name === "puckjs") {
      g.LED1 = this.pin("LED1");
      g.LED2 = this.pin("LED2");
      g.LED3 = this.pin("LED3");
      g.BTN = g.BTN1 = this.pin("BTN1");
      g.Puck = this.nativeObject({
        accelOn: (rate?: number) => void (self.accelRateHz = rate ?? 12.5),
        accelOff: () => void (self.accelRateHz = 0),
        accel: () => {
          self.accelSingleReads++;
          return { acc: { ...self.restingAccel }, gyro: { x: 0, y: 0, z: 0 } };
        },
        mag: () => ({ x: 0, y: 0, z: 0 }),
        on: (event: string, fn: unknown) => self.on("Puck." + event, fn),
        removeListener: (event: string, fn: unknown) => self.removeListener("Puck." + event, fn),
      });
    } else if (board.name === "pixljs") {
      g.LED1 = this.pin("LED1");
      g.BTN = g.BTN1 = this.pin("BTN1");
      g.BTN2 = this.pin("BTN2");
      g.BTN3 = this.pin("BTN3");
      g.BTN4 = this.pin("BTN4");
    } else {
      g.BTN = g.BTN1 = this.pin("BTN1");
      g.Bangle = this.nativeObject({
        setLCDTimeout: () => undefined,
        setLCDPower: () => undefined,
        setLCDBrightness: () => undefined,
        isLCDOn: () => true,
        getAccel: () => ({ x: 0, y: 0, z: -1, diff: 0, mag: 1 }),
        buzz: () => Promise.resolve(),
        on: (event: string, fn: unknown) => self.on("Bangle." + event, fn),
        removeListener: (event: string, fn: unknown) => self.removeListener("Bangle." + event, fn),
      });
    }
    if (this.graphics) g.g = this.nativeObject(this.graphics.api());

    g.digitalWrite = (pin: unknown, value: unknown) => void (self.pins[self.pinName(pin)] = value ? 1 : 0);
    g.digitalRead = (pin: unknown) => self.pins[self.pinName(pin)];
    g.setWatch = (fn: unknown, pin: unknown, options: unknown) => {
      if (typeof fn !== "function") throw new Error("Expecting a function");
      const opts = (options ?? {}) as { edge?: string; repeat?: boolean };
      const watch: Watch = { id: self.nextWatchId++, pin: self.pinName(pin), callback: fn as Listener, edge: opts.edge ?? "both", repeat: !!opts.repeat };
      self.watches.push(watch);
      return watch.id;
    };
    g.clearWatch = (id?: unknown) => {
      self.watches = id === undefined ? [] : self.watches.filter((w) => w.id !== id);
    };
    for (const name of ["print", "echo", "atob", "btoa", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "changeInterval", "getTime", "setTime", "require", "load", "reset", "digitalWrite", "digitalRead", "setWatch", "clearWatch"])
      this.native.add(g[name] as object);
  }

  /** Set by the device to its estimator; process.memory() reports it. */
  jsVarsUsed: () => number = () => 0;
}
