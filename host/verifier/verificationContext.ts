// Everything the verifier needs besides the readings, loaded once per run: clients, providers,
// authorizations, the device registry indexed by location, clock models and device keys
// (derived once per device from the master key of its version).
import type { EvvDatabase } from "../storage/database.js";
import type { MasterKeySource } from "./masterKeys.js";
import { DeviceRegistry, type AssignmentRecord } from "../registry/deviceRegistry.js";
import { NO_CLOCK_HISTORY, type ClockHistory, type ClockModel } from "../registry/clockModel.js";
import { deriveDeviceKey } from "../../protocol/deviceKey.js";
import { parseDeviceIdHex } from "../../protocol/bytes.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import type { Absence } from "../domain/client.js";
import type { LiveInRelation } from "../domain/provider.js";
import type { CategoryUnits, ProcedureCode, ServiceProgram, UnitsSpan } from "../domain/authorization.js";

export interface ClientInfo {
  ndNumber: string;
  name: string;
  locationId: string;
  address: string;
  timeZone: string;
  absences: Absence[];
  dateOfDeath: string | null;
}

export interface ProviderInfo {
  providerNumber: string;
  name: string;
  kind: string;
  /** client ND number → relation, for the clients this provider lives with. */
  livesWith: Map<string, LiveInRelation>;
}

export interface AuthorizationInfo {
  authorizationId: string;
  clientNdNumber: string;
  providerNumber: string;
  procedureCode: ProcedureCode;
  serviceProgram: ServiceProgram;
  periodFrom: string;
  periodTo: string;
  units: CategoryUnits | null;
  /** The span `units` (and `maxDays`) are for: the whole period, each week or each month. */
  unitsPer: UnitsSpan;
  maxDays: number | null;
  liveIn: boolean;
  evvRequired: boolean;
  priorApprovalOver12Hours: boolean;
  priorApprovalLiveInWpc: boolean;
  serviceAgreementHoursPerDay: number | null;
  locationId: string;
}

export interface CaregiverInfo {
  providerNumber: string;
  caregiverId: string;
  firstName: string;
  lastName: string;
}

export interface DeviceInfo {
  deviceId: string;
  numericId: number;
  keyVersion: number;
  retiredMs: number | null;
}

export class VerificationContext {
  readonly clients = new Map<string, ClientInfo>();
  readonly providers = new Map<string, ProviderInfo>();
  /** "provider|caregiver" → the caregiver. */
  readonly caregivers = new Map<string, CaregiverInfo>();
  /** "client|provider" → authorizations, by period start. */
  readonly authorizationsByPair = new Map<string, AuthorizationInfo[]>();
  readonly devices = new Map<string, DeviceInfo>();
  readonly assignmentsByLocation = new Map<string, AssignmentRecord[]>();
  readonly assignmentsByDevice = new Map<string, AssignmentRecord[]>();
  readonly clockHistories: Map<string, ClockHistory>;
  private readonly deviceKeys = new Map<string, Uint8Array | null>();

  constructor(
    db: EvvDatabase,
    private readonly keystore: MasterKeySource,
  ) {
    for (const row of db.prepare("SELECT c.nd_number, c.name, c.location_id, c.date_of_death, l.address, l.time_zone FROM clients c JOIN service_locations l USING (location_id)").all() as {
      nd_number: string;
      name: string;
      location_id: string;
      date_of_death: string | null;
      address: string;
      time_zone: string;
    }[]) {
      this.clients.set(row.nd_number, {
        ndNumber: row.nd_number,
        name: row.name,
        locationId: row.location_id,
        address: row.address,
        timeZone: row.time_zone,
        absences: [],
        dateOfDeath: row.date_of_death,
      });
    }
    for (const row of db.prepare("SELECT nd_number, kind, from_date, returned_date FROM client_absences").all() as {
      nd_number: string;
      kind: Absence["kind"];
      from_date: string;
      returned_date: string | null;
    }[]) {
      this.clients.get(row.nd_number)?.absences.push({ kind: row.kind, from: row.from_date, returned: row.returned_date ?? undefined });
    }
    for (const row of db.prepare("SELECT provider_number, name, kind FROM providers").all() as { provider_number: string; name: string; kind: string }[]) {
      this.providers.set(row.provider_number, { providerNumber: row.provider_number, name: row.name, kind: row.kind, livesWith: new Map() });
    }
    for (const row of db.prepare("SELECT provider_number, client_nd_number, relation FROM provider_live_in").all() as {
      provider_number: string;
      client_nd_number: string;
      relation: LiveInRelation;
    }[]) {
      this.providers.get(row.provider_number)?.livesWith.set(row.client_nd_number, row.relation);
    }
    for (const row of db.prepare("SELECT provider_number, caregiver_id, first_name, last_name FROM caregivers").all() as {
      provider_number: string;
      caregiver_id: string;
      first_name: string;
      last_name: string;
    }[]) {
      this.caregivers.set(row.provider_number + "|" + row.caregiver_id, {
        providerNumber: row.provider_number,
        caregiverId: row.caregiver_id,
        firstName: row.first_name,
        lastName: row.last_name,
      });
    }
    for (const row of db.prepare("SELECT * FROM authorizations ORDER BY period_from, authorization_id").all() as Record<string, string | number | null>[]) {
      const client = this.clients.get(row.client_nd_number as string);
      const info: AuthorizationInfo = {
        authorizationId: row.authorization_id as string,
        clientNdNumber: row.client_nd_number as string,
        providerNumber: row.provider_number as string,
        procedureCode: row.procedure_code as ProcedureCode,
        serviceProgram: row.service_program as ServiceProgram,
        periodFrom: row.period_from as string,
        periodTo: row.period_to as string,
        units:
          row.units_adl === null
            ? null
            : {
                adl: row.units_adl as number,
                medicationAssistance: row.units_medication_assistance as number,
                other: row.units_other as number,
                mealPreparation: row.units_meal_preparation as number,
                laundryShoppingHousekeeping: row.units_laundry_shopping_housekeeping as number,
              },
        unitsPer: (row.units_per as UnitsSpan | null) ?? "period",
        maxDays: row.max_days as number | null,
        liveIn: row.live_in === 1,
        evvRequired: row.evv_required === 1,
        priorApprovalOver12Hours: row.prior_approval_over_12_hours === 1,
        priorApprovalLiveInWpc: row.prior_approval_live_in_wpc === 1,
        serviceAgreementHoursPerDay: row.service_agreement_hours_per_day as number | null,
        locationId: (row.location_id as string | null) ?? client?.locationId ?? "",
      };
      const key = info.clientNdNumber + "|" + info.providerNumber;
      const list = this.authorizationsByPair.get(key) ?? [];
      list.push(info);
      this.authorizationsByPair.set(key, list);
    }
    const registry = new DeviceRegistry(db);
    for (const row of db.prepare("SELECT device_id, key_version, retired_at FROM devices").all() as { device_id: string; key_version: number; retired_at: string | null }[]) {
      this.devices.set(row.device_id, {
        deviceId: row.device_id,
        numericId: parseDeviceIdHex(row.device_id) ?? 0,
        keyVersion: row.key_version,
        retiredMs: row.retired_at === null ? null : Date.parse(row.retired_at),
      });
    }
    for (const a of registry.allAssignments()) {
      push(this.assignmentsByLocation, a.locationId, a);
      push(this.assignmentsByDevice, a.deviceId, a);
    }
    this.clockHistories = registry.clockHistories();
  }

  /** The device key (derived and cached), or null when the keystore lacks its master key version. */
  deviceKey(device: DeviceInfo): Uint8Array | null {
    let key = this.deviceKeys.get(device.deviceId);
    if (key === undefined) {
      key = this.keystore.hasVersion(device.keyVersion) ? deriveDeviceKey(nodeSha256, this.keystore.masterKey(device.keyVersion), device.keyVersion, device.numericId) : null;
      this.deviceKeys.set(device.deviceId, key);
    }
    return key;
  }

  /** The device's clock model as known at a true instant (observations up to then, since the last clock set). */
  clockModel(deviceId: string, atMs: number): ClockModel {
    return this.clockHistories.get(deviceId)?.modelAt(atMs) ?? NO_CLOCK_HISTORY;
  }

  /** Devices assigned to a location at some moment within [fromMs, toMs]. */
  devicesAtLocation(locationId: string, fromMs: number, toMs: number): DeviceInfo[] {
    const out: DeviceInfo[] = [];
    for (const a of this.assignmentsByLocation.get(locationId) ?? []) {
      if (a.fromMs <= toMs && (a.toMs === null || a.toMs > fromMs)) {
        const device = this.devices.get(a.deviceId);
        if (device && !out.includes(device)) out.push(device);
      }
    }
    return out;
  }

  /** Where a device hung at a moment (null when unassigned). */
  locationOfDevice(deviceId: string, ms: number): string | null {
    for (const a of this.assignmentsByDevice.get(deviceId) ?? []) if (a.fromMs <= ms && (a.toMs === null || a.toMs > ms)) return a.locationId;
    return null;
  }

  caregiver(providerNumber: string, caregiverId: string): CaregiverInfo | undefined {
    return this.caregivers.get(providerNumber + "|" + caregiverId);
  }

  authorizationsFor(clientNdNumber: string, providerNumber: string): AuthorizationInfo[] {
    return this.authorizationsByPair.get(clientNdNumber + "|" + providerNumber) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
