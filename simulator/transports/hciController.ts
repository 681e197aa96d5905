// An emulated Bluetooth LE controller behind an HCI UART (H4), with simulated devices "in
// range". It answers the commands the unchanged noble stack sends (reset, version, features,
// BD_ADDR, buffer sizes, event masks, scan parameters and enable, create connection and
// cancel, disconnect, RSSI), reports each device's advertisement at its advertising interval
// while scanning (as duplicates: every advertising event), and carries ATT over ACL to an
// AttServer per connection (Nordic UART to device.bleWrite and "bleData").
import { AttServer } from "./attServer.js";
import { FaultInjector, type LinkFault } from "./linkFault.js";
import { H4Stream, type H4Packet } from "./h4Stream.js";
import {
  ADV_IND,
  ADV_NONCONN_IND,
  SCAN_RSP,
  STATUS_CONNECTION_TIMEOUT,
  STATUS_LOCAL_HOST_TERMINATED,
  STATUS_SUCCESS,
  STATUS_UNKNOWN_COMMAND,
  STATUS_UNKNOWN_CONNECTION,
  aclPacket,
  addressBytes,
  advertisingData,
  commandComplete,
  commandStatus,
  disconnectionComplete,
  leAdvertisingReport,
  leConnectionComplete,
  numberOfCompletedPackets,
} from "./hciEvents.js";
import type { TransportDevice } from "./transportDevice.js";

const opcode = (ogf: number, ocf: number) => (ogf << 10) | ocf;
const OP = {
  disconnect: opcode(0x01, 0x0006),
  setEventMask: opcode(0x03, 0x0001),
  reset: opcode(0x03, 0x0003),
  setEventFilter: opcode(0x03, 0x0005),
  readLeHostSupported: opcode(0x03, 0x006c),
  writeLeHostSupported: opcode(0x03, 0x006d),
  readLocalVersion: opcode(0x04, 0x0001),
  readSupportedCommands: opcode(0x04, 0x0002),
  readBufferSize: opcode(0x04, 0x0005),
  readBdAddr: opcode(0x04, 0x0009),
  readRssi: opcode(0x05, 0x0005),
  leSetEventMask: opcode(0x08, 0x0001),
  leReadBufferSize: opcode(0x08, 0x0002),
  leReadLocalFeatures: opcode(0x08, 0x0003),
  leSetScanParameters: opcode(0x08, 0x000b),
  leSetScanEnable: opcode(0x08, 0x000c),
  leCreateConnection: opcode(0x08, 0x000d),
  leCreateConnectionCancel: opcode(0x08, 0x000e),
  leConnectionUpdate: opcode(0x08, 0x0013),
};

const ATT_CID = 0x0004;
/** LE ACL buffers the controller offers the host: 27-byte payloads (the LE minimum), 8 of them. */
const ACL_BUFFER_LENGTH = 27;
const ACL_BUFFER_COUNT = 8;

export interface DeviceInRange {
  device: TransportDevice;
  /**
   * The address of a device that has none of its own (device.macAddress undefined), e.g.
   * "c4:7a:10:00:00:01". A device with its own address is always heard at its current one.
   */
  address: string;
  /** Signal strength the scanner hears, dBm. */
  rssi: number;
}

interface Connection {
  handle: number;
  peer: DeviceInRange;
  att: AttServer;
  faults: FaultInjector;
  reassembly: { cid: number; length: number; data: number[] } | null;
  fromDevice: (bytes: Uint8Array) => void;
  deviceLeft: () => void;
}

/** The address a device is heard at now: its own current address, else the one it was given. */
export function currentAddressOf(entry: DeviceInRange): string {
  return entry.device.macAddress?.split(" ")[0].toLowerCase() ?? entry.address;
}

/** LE address type in HCI: 0x00 public, 0x01 random. */
function addressTypeOf(entry: DeviceInRange): number {
  return entry.device.macAddress === undefined || entry.device.macAddress.endsWith(" random") ? 0x01 : 0x00;
}

/** Remote user terminated the connection: the device disconnected (or lost power). */
const STATUS_REMOTE_USER_TERMINATED = 0x13;

export class HciController {
  private readonly h4 = new H4Stream((packet) => this.onPacket(packet));
  private readonly devices: DeviceInRange[] = [];
  private readonly advertisingTimers = new Map<DeviceInRange, NodeJS.Timeout>();
  private readonly connections = new Map<number, Connection>();
  private scanning = false;
  /** Active scanning sends a scan request after each scannable advertisement. */
  private activeScan = false;
  private filterDuplicates = false;
  private readonly reported = new Set<string>();
  private pendingConnection: { peer: DeviceInRange; timer: NodeJS.Timeout | null } | null = null;
  private nextHandle = 0x0040;
  private armedFault: LinkFault | null = null;
  private readonly outOfRange = new Set<DeviceInRange>();

  constructor(
    /** Sends bytes to the host (H4 events and ACL). */
    private readonly toHost: (bytes: Uint8Array) => void,
    private readonly ownAddress = "00:1a:7d:da:71:0e",
  ) {}

  addDevice(entry: DeviceInRange): void {
    this.devices.push(entry);
    if (this.scanning) this.startAdvertisingReports(entry);
  }

  /** The host's bytes, as written to the UART. */
  fromHost(bytes: Uint8Array): void {
    this.h4.push(bytes);
  }

  /** Arms a fault for the host's next request of a command over a BLE connection. */
  injectFault(fault: LinkFault | null): void {
    this.armedFault = fault;
    for (const connection of this.connections.values()) connection.faults.arm(fault);
  }

  /**
   * Moves a device out of range (false: nothing is heard from it, its connection times out)
   * or back into range (true). `address` is the one the device is heard at now.
   */
  setInRange(address: string, inRange: boolean): void {
    const entry = this.devices.find((d) => currentAddressOf(d) === address.toLowerCase());
    if (!entry) throw new Error(`no device ${address} on this controller`);
    if (inRange) {
      this.outOfRange.delete(entry);
      return;
    }
    this.outOfRange.add(entry);
    for (const connection of [...this.connections.values()]) {
      if (connection.peer === entry) this.endConnection(connection, STATUS_CONNECTION_TIMEOUT);
    }
  }

  stop(): void {
    this.stopScanning();
    for (const connection of [...this.connections.values()]) this.endConnection(connection, null);
    if (this.pendingConnection?.timer) clearTimeout(this.pendingConnection.timer);
    this.pendingConnection = null;
  }

  private onPacket(packet: H4Packet): void {
    if (packet.type === "command") this.onCommand(packet.opcode, packet.params);
    else this.onAcl(packet.handle, packet.boundary, packet.data);
  }

  private onCommand(op: number, params: Uint8Array): void {
    const complete = (result: number[] = []) => this.toHost(commandComplete(op, STATUS_SUCCESS, result));
    switch (op) {
      case OP.reset:
        this.stop();
        return complete();
      case OP.setEventMask:
      case OP.setEventFilter:
      case OP.leSetEventMask:
      case OP.writeLeHostSupported:
        return complete();
      case OP.leSetScanParameters:
        this.activeScan = params[0] === 0x01;
        return complete();
      case OP.readLeHostSupported:
        return complete([0x01, 0x00]);
      case OP.readLocalVersion:
        // HCI 5.0 (0x09), revision 1, LMP 5.0, manufacturer 0x05f1 (Linux Foundation), subversion 1.
        return complete([0x09, 0x01, 0x00, 0x09, 0xf1, 0x05, 0x01, 0x00]);
      case OP.readSupportedCommands:
        return complete(new Array(64).fill(0));
      case OP.readBdAddr:
        return complete(addressBytes(this.ownAddress));
      case OP.leReadLocalFeatures:
        // Legacy LE only: no extended advertising, no data length extension, no coded PHY.
        return complete([0, 0, 0, 0, 0, 0, 0, 0]);
      case OP.leReadBufferSize:
        return complete([ACL_BUFFER_LENGTH, 0x00, ACL_BUFFER_COUNT]);
      case OP.readBufferSize:
        return complete([ACL_BUFFER_LENGTH, 0x00, 0x00, ACL_BUFFER_COUNT, 0x00, 0x00, 0x00]);
      case OP.leSetScanEnable: {
        const enable = params[0] === 1;
        this.filterDuplicates = params[1] === 1;
        complete();
        if (enable) this.startScanning();
        else this.stopScanning();
        return;
      }
      case OP.leCreateConnection:
        return this.createConnection(op, params);
      case OP.leCreateConnectionCancel:
        return this.cancelConnection(op);
      case OP.disconnect: {
        const handle = (params[0] | (params[1] << 8)) & 0x0fff;
        const connection = this.connections.get(handle);
        this.toHost(commandStatus(op, connection ? STATUS_SUCCESS : STATUS_UNKNOWN_CONNECTION));
        if (connection) this.endConnection(connection, STATUS_LOCAL_HOST_TERMINATED);
        return;
      }
      case OP.readRssi: {
        const handle = (params[0] | (params[1] << 8)) & 0x0fff;
        const connection = this.connections.get(handle);
        if (!connection) return this.toHost(commandComplete(op, STATUS_UNKNOWN_CONNECTION, [params[0], params[1], 0]));
        return complete([params[0], params[1], connection.peer.rssi & 0xff]);
      }
      case OP.leConnectionUpdate:
        return this.toHost(commandStatus(op, STATUS_SUCCESS));
      default:
        return this.toHost(commandComplete(op, STATUS_UNKNOWN_COMMAND));
    }
  }

  private startScanning(): void {
    if (this.scanning) return;
    this.scanning = true;
    this.reported.clear();
    for (const entry of this.devices) this.startAdvertisingReports(entry);
  }

  private stopScanning(): void {
    this.scanning = false;
    for (const timer of this.advertisingTimers.values()) clearTimeout(timer);
    this.advertisingTimers.clear();
  }

  /** One report per advertising event, every intervalMs plus the 0-10 ms advDelay of the spec. */
  private startAdvertisingReports(entry: DeviceInRange): void {
    const tick = () => {
      if (!this.scanning) return;
      const advertising = this.isConnected(entry) || this.outOfRange.has(entry) ? null : entry.device.advertising();
      const intervalMs = advertising?.intervalMs ?? 100;
      // Read at every advertising event: a device that rotated its address is heard at the new one.
      const address = currentAddressOf(entry);
      const addressType = addressTypeOf(entry);
      if (advertising && !(this.filterDuplicates && this.reported.has(address))) {
        const name = advertising.nameInPacket ? (advertising.name ?? null) : null;
        const data = advertisingData(advertising.manufacturerId, advertising.manufacturerData, name);
        if (data.length <= 31) {
          this.reported.add(address);
          const rssi = entry.rssi + Math.round(Math.random() * 4 - 2);
          this.toHost(leAdvertisingReport(advertising.connectable ? ADV_IND : ADV_NONCONN_IND, addressType, address, data, rssi));
          // A connectable (scannable) advertiser answers an active scanner's request; with
          // the name off, Espruino's scan response carries no data.
          if (this.activeScan && advertising.connectable) this.toHost(leAdvertisingReport(SCAN_RSP, addressType, address, new Uint8Array(0), rssi));
        }
      }
      this.advertisingTimers.set(entry, setTimeout(tick, intervalMs + Math.random() * 10));
    };
    // The fob's advertising events run on their own schedule: the first one a scan hears
    // comes anywhere within one interval of the scan starting.
    const intervalMs = entry.device.advertising()?.intervalMs ?? 100;
    this.advertisingTimers.set(entry, setTimeout(tick, Math.random() * intervalMs));
  }

  private isConnected(entry: DeviceInRange): boolean {
    for (const connection of this.connections.values()) if (connection.peer === entry) return true;
    return false;
  }

  private createConnection(op: number, params: Uint8Array): void {
    const address = [...params.slice(6, 12)]
      .reverse()
      .map((b) => b.toString(16).padStart(2, "0"))
      .join(":");
    if (this.pendingConnection) return this.toHost(commandStatus(op, 0x0c)); // command disallowed
    this.toHost(commandStatus(op, STATUS_SUCCESS));
    const peer = this.devices.find((d) => currentAddressOf(d) === address);
    this.pendingConnection = { peer: peer!, timer: null };
    // Nobody advertises from that address (never did, or the device has since rotated to
    // another): nothing answers, the attempt never completes, the host must cancel.
    if (!peer) return;
    // The link forms at the device's next connectable advertising event from that address.
    const attempt = () => {
      const pending = this.pendingConnection;
      if (!pending || pending.peer !== peer) return;
      const advertising = this.outOfRange.has(peer) || currentAddressOf(peer) !== address ? null : peer.device.advertising();
      if (!advertising || !advertising.connectable) {
        pending.timer = setTimeout(attempt, 100);
        return;
      }
      this.pendingConnection = null;
      this.openConnection(peer);
    };
    const advertising = peer.device.advertising();
    this.pendingConnection.timer = setTimeout(attempt, Math.min(advertising?.intervalMs ?? 100, 1000) * Math.random());
  }

  private cancelConnection(op: number): void {
    const pending = this.pendingConnection;
    if (!pending) return this.toHost(commandComplete(op, 0x0c));
    if (pending.timer) clearTimeout(pending.timer);
    this.pendingConnection = null;
    this.toHost(commandComplete(op, STATUS_SUCCESS));
    this.toHost(leConnectionComplete(STATUS_UNKNOWN_CONNECTION, 0, 0, "00:00:00:00:00:00", 0, 0, 0));
  }

  private openConnection(peer: DeviceInRange): void {
    const handle = this.nextHandle++;
    const att: AttServer = new AttServer(
      (pdu) => this.toHost(aclPacket(handle, ATT_CID, pdu)),
      (bytes) => faults.fromHost(bytes),
    );
    const faults: FaultInjector = new FaultInjector(this.armedFault, {
      forward: (bytes) => {
        try {
          peer.device.bleWrite(bytes);
        } catch {
          // The device is not listening (Nordic UART off, link just closed): lost on air.
        }
      },
      answer: (bytes) => att.notify(bytes),
      hangUp: () => {
        const connection = this.connections.get(handle);
        if (connection) this.endConnection(connection, STATUS_CONNECTION_TIMEOUT);
      },
    });
    this.armedFault = null;
    const fromDevice = (bytes: Uint8Array) => att.notify(bytes);
    const deviceLeft = () => {
      const connection = this.connections.get(handle);
      if (connection) this.endConnection(connection, STATUS_REMOTE_USER_TERMINATED);
    };
    const connection: Connection = { handle, peer, att, faults, reassembly: null, fromDevice, deviceLeft };
    this.connections.set(handle, connection);
    peer.device.on("bleData", fromDevice);
    peer.device.bleConnect();
    peer.device.on("bleDisconnected", deviceLeft);
    // 30 ms interval (24 units), no latency, 4 s supervision timeout (400 units).
    this.toHost(leConnectionComplete(STATUS_SUCCESS, handle, addressTypeOf(peer), currentAddressOf(peer), 24, 0, 400));
  }

  /** reason null: silently (controller reset); else a Disconnection Complete to the host. */
  private endConnection(connection: Connection, reason: number | null): void {
    if (!this.connections.delete(connection.handle)) return;
    connection.peer.device.off("bleData", connection.fromDevice);
    connection.peer.device.off("bleDisconnected", connection.deviceLeft);
    connection.peer.device.bleDisconnect();
    if (reason !== null) this.toHost(disconnectionComplete(connection.handle, reason));
  }

  private onAcl(handle: number, boundary: number, data: Uint8Array): void {
    const connection = this.connections.get(handle);
    if (!connection) return;
    this.toHost(numberOfCompletedPackets(handle, 1));
    if (boundary !== 0x01) {
      const length = data[0] | (data[1] << 8);
      const cid = data[2] | (data[3] << 8);
      connection.reassembly = { cid, length, data: [...data.slice(4)] };
    } else if (connection.reassembly) {
      connection.reassembly.data.push(...data);
    } else {
      return;
    }
    const r = connection.reassembly;
    if (r.data.length < r.length) return;
    connection.reassembly = null;
    if (r.cid === ATT_CID) connection.att.receive(new Uint8Array(r.data.slice(0, r.length)));
  }
}
