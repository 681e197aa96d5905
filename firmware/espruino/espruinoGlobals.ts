// The Espruino runtime as the firmware sees it: types for the built-in objects it uses, and
// one exported name for each. `declare` emits nothing, so each export compiles to a plain
// reference to the interpreter's own global (NRF, E, Bluetooth ...). `espruinoRequire` is
// renamed to `require` by firmware/build/bundleForEspruino.ts after bundling (esbuild would
// otherwise wrap a bare `require` in a shim that uses Proxy, which Espruino lacks).

export interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  erase(name: string): void;
  list(pattern?: RegExp): string[];
  getFree(): number;
}

export interface EspruinoCrypto {
  SHA256?: (message: Uint8Array) => ArrayBuffer;
  SHA1?: (message: Uint8Array) => ArrayBuffer;
}

export interface AdvertisingOptions {
  manufacturer?: number;
  manufacturerData?: Uint8Array | number[];
  showName: boolean;
  connectable: boolean;
  interval: number;
}

export interface EspruinoNrf {
  setAdvertising(data: object, options: AdvertisingOptions): void;
  setServices(services: object, options: { uart: boolean }): void;
  /** "aa:bb:cc:dd:ee:ff random": restarts the softdevice (queued until the disconnect when connected). */
  setAddress(address: string): void;
  /** Stops advertising (and drops a connected central) until wake(). */
  sleep(): void;
  wake(): void;
  getSecurityStatus(): { connected: boolean };
  nfcURL?: (uri: string) => void;
  /** Raw NFC: the firmware answers every frame the reader sends (NRF.on('NFCrx')) with nfcSend. */
  nfcStart?: () => void;
  /** An answer frame, or a 4-bit ACK/NAK (0xA ACK, 0x0 NAK). */
  nfcSend?: (response: Uint8Array | number) => void;
  nfcStop?: () => void;
  on(event: "connect" | "disconnect", handler: (address: string) => void): void;
  on(event: "NFCrx", handler: (frame: ArrayBuffer) => void): void;
}

export interface EspruinoSerialDevice {
  write(text: string): void;
  on(event: "data", handler: (data: string) => void): void;
  setup?: (baud: number) => void;
}

export interface EspruinoE {
  hwRand(): number;
  getBattery(): number;
  setConsole(device: string | null, options: { force: boolean }): void;
}

export interface EspruinoPin {
  set(): void;
  reset(): void;
}

export interface EspruinoGraphics {
  clear(): EspruinoGraphics;
  setFont(name: string, scale: number): EspruinoGraphics;
  stringWidth(text: string): number;
  drawString(text: string, x: number, y: number): EspruinoGraphics;
  drawRect(x1: number, y1: number, x2: number, y2: number): EspruinoGraphics;
  fillRect(x1: number, y1: number, x2: number, y2: number): EspruinoGraphics;
  getWidth(): number;
  getHeight(): number;
  flip(): void;
}

export interface PuckAccelReading {
  acc: { x: number; y: number; z: number };
}

export interface EspruinoPuck {
  /** One reading: the accelerometer is turned on, read once and turned off again. */
  accel(): PuckAccelReading;
  accelOn(rateHz: number): void;
  on(event: "accel", handler: (reading: PuckAccelReading) => void): void;
}

export interface BangleAccelReading {
  x: number;
  y: number;
  z: number;
  diff: number;
}

export interface EspruinoBangle {
  setLCDTimeout(seconds: number): void;
  setLCDPower(on: boolean): void;
  on(event: "accel", handler: (reading: BangleAccelReading) => void): void;
}

export interface WatchOptions {
  edge: "rising" | "falling" | "both";
  repeat: boolean;
  debounce: number;
}

declare const NRF: EspruinoNrf;
declare const E: EspruinoE;
declare const Bluetooth: EspruinoSerialDevice;
declare const Serial1: EspruinoSerialDevice;
declare const LED1: EspruinoPin;
declare const LED2: EspruinoPin;
declare const BTN: unknown;
declare const g: EspruinoGraphics;
declare const Puck: EspruinoPuck;
declare const Bangle: EspruinoBangle;
declare function getTime(): number;
declare function setTime(unixSeconds: number): void;
declare function setWatch(handler: () => void, pin: unknown, options: WatchOptions): number;
declare function espruinoRequire(name: string): unknown;

export function nrf(): EspruinoNrf {
  return NRF;
}
export function espruinoE(): EspruinoE {
  return E;
}
export function bluetooth(): EspruinoSerialDevice {
  return Bluetooth;
}
export function serial1(): EspruinoSerialDevice {
  return Serial1;
}
export function redLed(): EspruinoPin {
  return LED1;
}
export function greenLed(): EspruinoPin {
  return LED2;
}
export function watchButton(handler: () => void): void {
  setWatch(handler, BTN, { edge: "rising", repeat: true, debounce: 50 });
}
export function screen(): EspruinoGraphics {
  return g;
}
export function puck(): EspruinoPuck {
  return Puck;
}
export function bangle(): EspruinoBangle {
  return Bangle;
}
/** Device clock, Unix seconds (fractional). */
export function deviceSeconds(): number {
  return getTime();
}
export function setDeviceSeconds(unixSeconds: number): void {
  setTime(unixSeconds);
}
export function storage(): EspruinoStorage {
  return espruinoRequire("Storage") as EspruinoStorage;
}
export function crypto(): EspruinoCrypto {
  return espruinoRequire("crypto") as EspruinoCrypto;
}
