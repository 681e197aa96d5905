// Imports validated records, each file in one transaction: either every record is stored, or
// (on any problem, named by record and field) nothing is. Every import is an audit-log entry.
import type { EvvDatabase } from "./database.js";
import { PostgresDatabase } from "./postgres/postgresDatabase.js";
import { AuditAppender } from "./auditLog.js";
import { InputFileError } from "../domain/inputFile.js";
import type { Client, ClientStay } from "../domain/client.js";
import type { Caregiver } from "../domain/caregiver.js";
import { splitPersonName } from "../domain/caregiver.js";
import type { ClockObservation } from "../domain/device.js";
import type { Provider } from "../domain/provider.js";
import type { Authorization } from "../domain/authorization.js";
import type { DeviceFileEntry } from "../domain/device.js";
import type { Reading } from "../capture/reading.js";
import { DeviceRegistry } from "../registry/deviceRegistry.js";
import { ReadingStore } from "./readingStore.js";
import { storeReadingsInBatches } from "./postgres/readingBatches.js";

export interface ImportResult {
  kind: string;
  file: string;
  records: number;
  inserted: number;
  updated: number;
  /** Readings already stored (same readingId), or stays and clock observations already stored: skipped. */
  duplicates: number;
  /** What the import replaced, in words (a client's stays given anew), so nothing is lost unseen. */
  replaced: string[];
}

function result(kind: string, file: string, records: number): ImportResult {
  return { kind, file, records, inserted: 0, updated: 0, duplicates: 0, replaced: [] };
}

function exists(db: EvvDatabase, sql: string, key: string): boolean {
  return db.prepare(sql).get(key) !== undefined;
}

export function importClients(db: EvvDatabase, file: string, sha256: string, clients: Client[]): ImportResult {
  const out = result("clients", file, clients.length);
  const upsertLocation = db.prepare(
    "INSERT INTO service_locations (location_id, address, time_zone) VALUES (?, ?, ?) ON CONFLICT(location_id) DO UPDATE SET address = excluded.address, time_zone = excluded.time_zone",
  );
  const upsertClient = db.prepare(
    "INSERT INTO clients (nd_number, name, location_id, date_of_death) VALUES (?, ?, ?, ?) ON CONFLICT(nd_number) DO UPDATE SET name = excluded.name, location_id = excluded.location_id, date_of_death = excluded.date_of_death",
  );
  const clearAbsences = db.prepare("DELETE FROM client_absences WHERE nd_number = ?");
  const countAbsences = db.prepare("SELECT count(*) AS n FROM client_absences WHERE nd_number = ?");
  const insertAbsence = db.prepare("INSERT INTO client_absences (nd_number, kind, from_date, returned_date) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    const seen = new Map<string, number>();
    clients.forEach((c, i) => {
      if (seen.has(c.ndNumber)) throw new InputFileError(`${file}[${i}].ndNumber: ${c.ndNumber} appears twice (also [${seen.get(c.ndNumber)}])`);
      seen.set(c.ndNumber, i);
      const existed = exists(db, "SELECT 1 FROM clients WHERE nd_number = ?", c.ndNumber);
      upsertLocation.run(c.serviceLocation.locationId, c.serviceLocation.address, c.serviceLocation.timeZone);
      upsertClient.run(c.ndNumber, c.name, c.serviceLocation.locationId, c.dateOfDeath ?? null);
      // Stays are kept across re-imports; a record that lists them (even as []) replaces them.
      if (c.absences !== undefined) {
        const before = (countAbsences.get(c.ndNumber) as { n: number }).n;
        if (before > 0) out.replaced.push(`${c.ndNumber}: ${before} stay(s) replaced by the ${c.absences.length} in the file`);
        clearAbsences.run(c.ndNumber);
        for (const a of c.absences) insertAbsence.run(c.ndNumber, a.kind, a.from, a.returned ?? null);
      }
      if (existed) out.updated++;
      else out.inserted++;
    });
    new AuditAppender(db).append("import.clients", file, { file, sha256, inserted: out.inserted, updated: out.updated, replaced: out.replaced });
  }).immediate();
  return out;
}

export function importProviders(db: EvvDatabase, file: string, sha256: string, providers: Provider[]): ImportResult {
  const out = result("providers", file, providers.length);
  const upsert = db.prepare("INSERT INTO providers (provider_number, name, kind) VALUES (?, ?, ?) ON CONFLICT(provider_number) DO UPDATE SET name = excluded.name, kind = excluded.kind");
  const clearLiveIn = db.prepare("DELETE FROM provider_live_in WHERE provider_number = ?");
  const insertLiveIn = db.prepare("INSERT INTO provider_live_in (provider_number, client_nd_number, relation) VALUES (?, ?, ?)");
  // An individual QSP is its own caregiver: created with it (its provider number as caregiver ID), kept if already there.
  const ownCaregiver = db.prepare("INSERT OR IGNORE INTO caregivers (provider_number, caregiver_id, first_name, last_name) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    const seen = new Set<string>();
    providers.forEach((p, i) => {
      if (seen.has(p.providerNumber)) throw new InputFileError(`${file}[${i}].providerNumber: ${p.providerNumber} appears twice`);
      seen.add(p.providerNumber);
      const existed = exists(db, "SELECT 1 FROM providers WHERE provider_number = ?", p.providerNumber);
      upsert.run(p.providerNumber, p.name, p.kind);
      if (p.kind === "individual") {
        const { firstName, lastName } = splitPersonName(p.name);
        ownCaregiver.run(p.providerNumber, p.providerNumber, firstName, lastName);
      }
      clearLiveIn.run(p.providerNumber);
      p.livesWith.forEach((l, j) => {
        if (!exists(db, "SELECT 1 FROM clients WHERE nd_number = ?", l.clientNdNumber))
          throw new InputFileError(`${file}[${i}].livesWith[${j}].clientNdNumber: no client with ND number ${l.clientNdNumber} (import clients first)`);
        insertLiveIn.run(p.providerNumber, l.clientNdNumber, l.relation);
      });
      if (existed) out.updated++;
      else out.inserted++;
    });
    new AuditAppender(db).append("import.providers", file, { file, sha256, inserted: out.inserted, updated: out.updated });
  }).immediate();
  return out;
}

export function importAuthorizations(db: EvvDatabase, file: string, sha256: string, authorizations: Authorization[]): ImportResult {
  const out = result("authorizations", file, authorizations.length);
  const upsert = db.prepare(`
    INSERT INTO authorizations (authorization_id, client_nd_number, provider_number, procedure_code, service_program, period_from, period_to,
      units_adl, units_medication_assistance, units_other, units_meal_preparation, units_laundry_shopping_housekeeping, max_days,
      live_in, evv_required, prior_approval_over_12_hours, service_agreement_hours_per_day, location_id, units_per, prior_approval_live_in_wpc)
    VALUES (@authorizationId, @clientNdNumber, @providerNumber, @procedureCode, @serviceProgram, @periodFrom, @periodTo,
      @adl, @medicationAssistance, @other, @mealPreparation, @laundryShoppingHousekeeping, @maxDays,
      @liveIn, @evvRequired, @priorApproval, @agreementHours, @locationId, @unitsPer, @priorApprovalLiveInWpc)
    ON CONFLICT(authorization_id) DO UPDATE SET client_nd_number = excluded.client_nd_number, provider_number = excluded.provider_number,
      procedure_code = excluded.procedure_code, service_program = excluded.service_program, period_from = excluded.period_from, period_to = excluded.period_to,
      units_adl = excluded.units_adl, units_medication_assistance = excluded.units_medication_assistance, units_other = excluded.units_other,
      units_meal_preparation = excluded.units_meal_preparation, units_laundry_shopping_housekeeping = excluded.units_laundry_shopping_housekeeping,
      max_days = excluded.max_days, live_in = excluded.live_in, evv_required = excluded.evv_required,
      prior_approval_over_12_hours = excluded.prior_approval_over_12_hours, service_agreement_hours_per_day = excluded.service_agreement_hours_per_day,
      location_id = excluded.location_id, units_per = excluded.units_per, prior_approval_live_in_wpc = excluded.prior_approval_live_in_wpc`);
  db.transaction(() => {
    const seen = new Set<string>();
    authorizations.forEach((a, i) => {
      const at = `${file}[${i}]`;
      if (seen.has(a.authorizationId)) throw new InputFileError(`${at}.authorizationId: ${a.authorizationId} appears twice`);
      seen.add(a.authorizationId);
      if (!exists(db, "SELECT 1 FROM clients WHERE nd_number = ?", a.clientNdNumber)) throw new InputFileError(`${at}.clientNdNumber: no client with ND number ${a.clientNdNumber} (import clients first)`);
      if (!exists(db, "SELECT 1 FROM providers WHERE provider_number = ?", a.providerNumber)) throw new InputFileError(`${at}.providerNumber: no provider ${a.providerNumber} (import providers first)`);
      if (a.serviceLocationId !== undefined && !exists(db, "SELECT 1 FROM service_locations WHERE location_id = ?", a.serviceLocationId))
        throw new InputFileError(`${at}.serviceLocationId: no service location ${a.serviceLocationId}`);
      const existed = exists(db, "SELECT 1 FROM authorizations WHERE authorization_id = ?", a.authorizationId);
      upsert.run({
        authorizationId: a.authorizationId,
        clientNdNumber: a.clientNdNumber,
        providerNumber: a.providerNumber,
        procedureCode: a.procedureCode,
        serviceProgram: a.serviceProgram,
        periodFrom: a.period.from,
        periodTo: a.period.to,
        adl: a.units?.adl ?? null,
        medicationAssistance: a.units?.medicationAssistance ?? null,
        other: a.units?.other ?? null,
        mealPreparation: a.units?.mealPreparation ?? null,
        laundryShoppingHousekeeping: a.units?.laundryShoppingHousekeeping ?? null,
        maxDays: a.maxDays ?? null,
        liveIn: a.liveIn ? 1 : 0,
        evvRequired: a.evvRequired ? 1 : 0,
        priorApproval: a.priorApprovalOver12Hours ? 1 : 0,
        agreementHours: a.serviceAgreementHoursPerDay ?? null,
        locationId: a.serviceLocationId ?? null,
        unitsPer: a.unitsPer,
        priorApprovalLiveInWpc: a.priorApprovalLiveInWpc ? 1 : 0,
      });
      if (existed) out.updated++;
      else out.inserted++;
    });
    new AuditAppender(db).append("import.authorizations", file, { file, sha256, inserted: out.inserted, updated: out.updated });
  }).immediate();
  return out;
}

export function importDevices(db: EvvDatabase, file: string, sha256: string, devices: DeviceFileEntry[]): ImportResult {
  const out = result("devices", file, devices.length);
  const registry = new DeviceRegistry(db);
  db.transaction(() => {
    devices.forEach((d, i) => {
      const at = `${file}[${i}]`;
      try {
        registry.registerDevice({ deviceId: d.deviceId, board: d.board, firmwareHash: d.firmwareHash, keyVersion: d.keyVersion, provisionedAt: d.provisionedAt });
        for (const a of d.assignments) {
          if (!exists(db, "SELECT 1 FROM service_locations WHERE location_id = ?", a.locationId))
            throw new Error(`assignments: no service location ${a.locationId} (import clients first)`);
          registry.assignDevice({ deviceId: d.deviceId, locationId: a.locationId, from: a.from, to: a.to });
        }
        if (d.retiredAt !== undefined) registry.retireDevice(d.deviceId, d.retiredAt);
      } catch (error) {
        throw new InputFileError(`${at}.deviceId ${d.deviceId}: ${(error as Error).message}`);
      }
      out.inserted++;
    });
    new AuditAppender(db).append("import.devices", file, { file, sha256, inserted: out.inserted });
  }).immediate();
  return out;
}

/**
 * A file's readings are received when they are imported (issue 11): that, not the reader's
 * clock, is their receipt time, unless HHS states when it received the file (`receivedAt`, as
 * `evv import readings --received-at`; recorded in the audit entry). Tests and the bench give
 * each reading its own receipt (a function), as if each had been submitted to the service; the
 * order of receipt is the file's order either way.
 */
export function importReadings(
  db: EvvDatabase,
  file: string,
  sha256: string,
  readings: Reading[],
  onProgress?: (done: number, total: number) => void,
  receivedAt: number | ((r: Reading) => number) = Date.now(),
): ImportResult {
  const out = result("readings", file, readings.length);
  const store = new ReadingStore(db);
  const receiptOf = typeof receivedAt === "number" ? () => receivedAt : receivedAt;
  /** Each stored reading's digest, in file order: the audit entry pins every row as imported. */
  const readingDigests: string[] = [];
  db.transaction(() => {
    let seq = store.lastReceiptSeq();
    let done = 0;
    // The file's order is the order of receipt (received_seq).
    if (db instanceof PostgresDatabase) {
      // Batches, not a round trip per reading (postgres/readingBatches.ts): the same rows.
      const stored = storeReadingsInBatches(db, readings, receiptOf, seq, (n) => onProgress && n % 10_000 === 0 && onProgress(n, readings.length));
      out.inserted = stored.digests.length;
      out.duplicates = stored.duplicates;
      readingDigests.push(...stored.digests);
    } else
      for (const r of readings) {
        const digest = store.store(r, receiptOf(r), seq + 1);
        if (digest !== null) {
          seq++;
          out.inserted++;
          readingDigests.push(digest);
        } else out.duplicates++;
        if (onProgress && ++done % 10_000 === 0) onProgress(done, readings.length);
      }
    const receipt = typeof receivedAt === "number" ? { receivedAt: new Date(receivedAt).toISOString(), importedAt: new Date().toISOString() } : {};
    new AuditAppender(db).append("import.readings", file, { file, sha256, inserted: out.inserted, duplicates: out.duplicates, ...receipt, readingDigests });
  }).immediate();
  onProgress?.(readings.length, readings.length);
  return out;
}

export function importCaregivers(db: EvvDatabase, file: string, sha256: string, caregivers: Caregiver[]): ImportResult {
  const out = result("caregivers", file, caregivers.length);
  const kindOf = db.prepare("SELECT kind FROM providers WHERE provider_number = ?");
  const upsert = db.prepare(`
    INSERT INTO caregivers (provider_number, caregiver_id, first_name, last_name, staff_id, email) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(provider_number, caregiver_id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, staff_id = excluded.staff_id, email = excluded.email`);
  const existing = db.prepare("SELECT 1 FROM caregivers WHERE provider_number = ? AND caregiver_id = ?");
  db.transaction(() => {
    const seen = new Map<string, number>();
    caregivers.forEach((c, i) => {
      const at = `${file}[${i}]`;
      const key = c.providerNumber + "|" + c.caregiverId;
      if (seen.has(key)) throw new InputFileError(`${at}.caregiverId: ${c.caregiverId} of ${c.providerNumber} appears twice (also [${seen.get(key)}])`);
      seen.set(key, i);
      const provider = kindOf.get(c.providerNumber) as { kind: string } | undefined;
      if (!provider) throw new InputFileError(`${at}.providerNumber: no provider ${c.providerNumber} (import providers first)`);
      if (provider.kind === "individual" && c.caregiverId !== c.providerNumber)
        throw new InputFileError(`${at}.caregiverId: ${c.providerNumber} is an individual QSP, its own caregiver: the caregiver ID must be ${c.providerNumber}`);
      const existed = existing.get(c.providerNumber, c.caregiverId) !== undefined;
      upsert.run(c.providerNumber, c.caregiverId, c.firstName, c.lastName, c.staffId ?? null, c.email ?? null);
      if (existed) out.updated++;
      else out.inserted++;
    });
    new AuditAppender(db).append("import.caregivers", file, { file, sha256, inserted: out.inserted, updated: out.updated });
  }).immediate();
  return out;
}

/**
 * Client stays (hospital, facility, leave). Added to what is stored (a stay already stored is
 * skipped); with `replace`, each client named in the file has its stays replaced by the file's,
 * and the result says whose and how many.
 */
export function importStays(db: EvvDatabase, file: string, sha256: string, stays: ClientStay[], replace: boolean): ImportResult {
  const out = result("stays", file, stays.length);
  const stored = db.prepare("SELECT 1 FROM client_absences WHERE nd_number = ? AND kind = ? AND from_date = ? AND returned_date IS ?");
  const count = db.prepare("SELECT count(*) AS n FROM client_absences WHERE nd_number = ?");
  const clear = db.prepare("DELETE FROM client_absences WHERE nd_number = ?");
  const insert = db.prepare("INSERT INTO client_absences (nd_number, kind, from_date, returned_date) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    stays.forEach((s, i) => {
      if (!exists(db, "SELECT 1 FROM clients WHERE nd_number = ?", s.clientNdNumber))
        throw new InputFileError(`${file}[${i}].clientNdNumber: no client with ND number ${s.clientNdNumber} (import clients first)`);
    });
    if (replace)
      for (const nd of new Set(stays.map((s) => s.clientNdNumber))) {
        const before = (count.get(nd) as { n: number }).n;
        const after = stays.filter((s) => s.clientNdNumber === nd).length;
        out.replaced.push(`${nd}: ${before} stay(s) replaced by the ${after} in the file`);
        clear.run(nd);
      }
    for (const s of stays) {
      if (stored.get(s.clientNdNumber, s.kind, s.from, s.returned ?? null) !== undefined) {
        out.duplicates++;
        continue;
      }
      insert.run(s.clientNdNumber, s.kind, s.from, s.returned ?? null);
      out.inserted++;
    }
    new AuditAppender(db).append("import.stays", file, { file, sha256, replace, inserted: out.inserted, duplicates: out.duplicates, replaced: out.replaced });
  }).immediate();
  return out;
}

/** Device clock history (observations and syncs) from another verifier: added, the ones already stored skipped. */
export function importClockHistory(db: EvvDatabase, file: string, sha256: string, observations: ClockObservation[]): ImportResult {
  const out = result("clock-history", file, observations.length);
  const stored = db.prepare("SELECT 1 FROM clock_observations WHERE device_id = ? AND observed_ms = ? AND device_time = ? AND source = ?");
  const insert = db.prepare("INSERT INTO clock_observations (device_id, observed_ms, device_time, source) VALUES (?, ?, ?, ?)");
  db.transaction(() => {
    observations.forEach((o, i) => {
      if (!exists(db, "SELECT 1 FROM devices WHERE device_id = ?", o.deviceId)) throw new InputFileError(`${file}[${i}].deviceId: no device ${o.deviceId} in the registry (import devices first)`);
      const observedMs = Date.parse(o.observedAt);
      if (stored.get(o.deviceId, observedMs, o.deviceTime, o.source) !== undefined) {
        out.duplicates++;
        return;
      }
      insert.run(o.deviceId, observedMs, o.deviceTime, o.source);
      out.inserted++;
    });
    new AuditAppender(db).append("import.clock-history", file, { file, sha256, inserted: out.inserted, duplicates: out.duplicates });
  }).immediate();
  return out;
}
