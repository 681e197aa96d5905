// The device registry: which fobs exist, their key version, where they hang over time, when
// they were retired, and how their clocks drift. The provisioning tool records devices here.
import type { EvvDatabase } from "../storage/database.js";
import { AuditAppender } from "../storage/auditLog.js";
import {
  clockObservation,
  deviceAssignment,
  deviceRegistration,
  type ClockObservation,
  type DeviceAssignment,
  type DeviceRegistration,
} from "../domain/device.js";
import { ClockHistory, type ClockSample } from "./clockModel.js";
import { board } from "../domain/boardName.js";

export interface AssignmentRecord {
  deviceId: string;
  locationId: string;
  fromMs: number;
  toMs: number | null;
}

export interface DeviceRecord extends DeviceRegistration {
  retiredAt: string | null;
  assignments: AssignmentRecord[];
  clockObservations: { observedMs: number; deviceTime: number; source: string }[];
}

interface DeviceRow {
  device_id: string;
  board: string;
  firmware_hash: string;
  key_version: number;
  provisioned_at: string;
  retired_at: string | null;
}

export class DeviceRegistry {
  constructor(private readonly db: EvvDatabase) {}

  /** Records a provisioned device. Refuses a device ID already registered. */
  registerDevice(input: DeviceRegistration): void {
    const device = deviceRegistration.parse(input);
    this.db.transaction(() => {
      if (this.db.prepare("SELECT 1 FROM devices WHERE device_id = ?").get(device.deviceId))
        throw new Error(`device ${device.deviceId} is already registered`);
      this.db
        .prepare("INSERT INTO devices (device_id, board, firmware_hash, key_version, provisioned_at) VALUES (?, ?, ?, ?, ?)")
        .run(device.deviceId, device.board, device.firmwareHash, device.keyVersion, device.provisionedAt);
      new AuditAppender(this.db).append("device.registered", device.deviceId, device);
    }).immediate();
  }

  /**
   * Hangs a device at a service location from `from` (until `to`, or open-ended). An open
   * assignment of the same device ends where the new one begins; overlapping closed ones are refused.
   */
  assignDevice(input: DeviceAssignment): void {
    const assignment = deviceAssignment.parse(input);
    const fromMs = Date.parse(assignment.from);
    const toMs = assignment.to === undefined ? null : Date.parse(assignment.to);
    this.db.transaction(() => {
      const device = this.requireDevice(assignment.deviceId);
      if (device.retired_at !== null) throw new Error(`device ${assignment.deviceId} is retired`);
      this.db.prepare("UPDATE device_assignments SET to_ms = ? WHERE device_id = ? AND to_ms IS NULL AND from_ms < ?").run(fromMs, assignment.deviceId, fromMs);
      const clash = this.db
        .prepare("SELECT location_id FROM device_assignments WHERE device_id = ? AND from_ms < ? AND (to_ms IS NULL OR to_ms > ?)")
        .get(assignment.deviceId, toMs ?? Number.MAX_SAFE_INTEGER, fromMs) as { location_id: string } | undefined;
      if (clash) throw new Error(`device ${assignment.deviceId} is already assigned to ${clash.location_id} during that time`);
      this.db.prepare("INSERT INTO device_assignments (device_id, location_id, from_ms, to_ms) VALUES (?, ?, ?, ?)").run(assignment.deviceId, assignment.locationId, fromMs, toMs);
      new AuditAppender(this.db).append("device.assigned", assignment.deviceId, assignment);
    }).immediate();
  }

  /** Takes a device out of service: its open assignment ends, it never verifies a later visit. */
  retireDevice(deviceId: string, at: string): void {
    const atMs = Date.parse(at);
    if (Number.isNaN(atMs)) throw new Error("retiredAt: must be an ISO 8601 instant");
    this.db.transaction(() => {
      const device = this.requireDevice(deviceId);
      if (device.retired_at !== null) throw new Error(`device ${deviceId} was already retired at ${device.retired_at}`);
      this.db.prepare("UPDATE devices SET retired_at = ? WHERE device_id = ?").run(at, deviceId);
      this.db.prepare("UPDATE device_assignments SET to_ms = ? WHERE device_id = ? AND (to_ms IS NULL OR to_ms > ?)").run(atMs, deviceId, atMs);
      new AuditAppender(this.db).append("device.retired", deviceId, { deviceId, retiredAt: at });
    }).immediate();
  }

  /** One comparison of the device clock with a trusted clock (provisioning, time sync, a challenge read). */
  recordClockObservation(input: ClockObservation): void {
    const observation = clockObservation.parse(input);
    this.requireDevice(observation.deviceId);
    this.db
      .prepare("INSERT INTO clock_observations (device_id, observed_ms, device_time, source) VALUES (?, ?, ?, ?)")
      .run(observation.deviceId, Date.parse(observation.observedAt), observation.deviceTime, observation.source);
  }

  /** The time zone of the service location a device hangs at, at an instant; null when it is not assigned then. */
  timeZoneAt(deviceId: string, atMs: number): string | null {
    const row = this.db
      .prepare(
        "SELECT l.time_zone AS time_zone FROM device_assignments a JOIN service_locations l ON l.location_id = a.location_id WHERE a.device_id = ? AND a.from_ms <= ? AND (a.to_ms IS NULL OR a.to_ms > ?)",
      )
      .get(deviceId, atMs, atMs) as { time_zone: string } | undefined;
    return row ? row.time_zone : null;
  }

  getDevice(deviceId: string): DeviceRecord | null {
    const row = this.db.prepare("SELECT * FROM devices WHERE device_id = ?").get(deviceId) as DeviceRow | undefined;
    return row ? this.toRecord(row) : null;
  }

  listDevices(): DeviceRecord[] {
    const rows = this.db.prepare("SELECT * FROM devices ORDER BY device_id").all() as DeviceRow[];
    return rows.map((row) => this.toRecord(row));
  }

  /** Every assignment, for the verifier's location index. */
  allAssignments(): AssignmentRecord[] {
    const rows = this.db.prepare("SELECT device_id, location_id, from_ms, to_ms FROM device_assignments ORDER BY from_ms").all() as {
      device_id: string;
      location_id: string;
      from_ms: number;
      to_ms: number | null;
    }[];
    return rows.map((r) => ({ deviceId: r.device_id, locationId: r.location_id, fromMs: r.from_ms, toMs: r.to_ms }));
  }

  /** The clock history of every device with observations, for drift correction by time. */
  clockHistories(): Map<string, ClockHistory> {
    const rows = this.db.prepare("SELECT device_id, observed_ms, device_time, source FROM clock_observations ORDER BY device_id, observed_ms").all() as {
      device_id: string;
      observed_ms: number;
      device_time: number;
      source: string;
    }[];
    const byDevice = new Map<string, ClockSample[]>();
    for (const r of rows) {
      const list = byDevice.get(r.device_id) ?? [];
      list.push({ observedMs: r.observed_ms, deviceTime: r.device_time, source: r.source });
      byDevice.set(r.device_id, list);
    }
    const histories = new Map<string, ClockHistory>();
    for (const [deviceId, samples] of byDevice) histories.set(deviceId, new ClockHistory(samples));
    return histories;
  }

  private requireDevice(deviceId: string): DeviceRow {
    const row = this.db.prepare("SELECT * FROM devices WHERE device_id = ?").get(deviceId) as DeviceRow | undefined;
    if (!row) throw new Error(`device ${deviceId} is not registered`);
    return row;
  }

  private toRecord(row: DeviceRow): DeviceRecord {
    const assignments = (
      this.db.prepare("SELECT location_id, from_ms, to_ms FROM device_assignments WHERE device_id = ? ORDER BY from_ms").all(row.device_id) as {
        location_id: string;
        from_ms: number;
        to_ms: number | null;
      }[]
    ).map((a) => ({ deviceId: row.device_id, locationId: a.location_id, fromMs: a.from_ms, toMs: a.to_ms }));
    const clockObservations = (
      this.db.prepare("SELECT observed_ms, device_time, source FROM clock_observations WHERE device_id = ? ORDER BY observed_ms").all(row.device_id) as {
        observed_ms: number;
        device_time: number;
        source: string;
      }[]
    ).map((o) => ({ observedMs: o.observed_ms, deviceTime: o.device_time, source: o.source }));
    return {
      deviceId: row.device_id,
      board: board.parse(row.board),
      firmwareHash: row.firmware_hash,
      keyVersion: row.key_version,
      provisionedAt: row.provisioned_at,
      retiredAt: row.retired_at,
      assignments,
      clockObservations,
    };
  }
}
