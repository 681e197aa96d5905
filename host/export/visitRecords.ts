// Reads finished visits (begin and end known, an authorization found) with everything an
// export needs, in begin order, optionally within local dates and by status.
import { DateTime } from "luxon";
import type { EvvDatabase } from "../storage/database.js";
import type { EvvRecord } from "./evvRecord.js";
import type { VisitStatus } from "../domain/visit.js";

export interface VisitFilter {
  /** Local dates, inclusive. */
  from?: string;
  to?: string;
  statuses: readonly VisitStatus[];
}

export const BILLABLE_STATUSES: readonly VisitStatus[] = ["verified", "verified-with-flags"];

interface Row {
  check_in_reading: string | null;
  check_out_reading: string | null;
  visit_id: string;
  provider_number: string;
  client_nd_number: string;
  authorization_id: string;
  procedure_code: string;
  service_program: string;
  device_id: string | null;
  caregiver_id: string;
  caregiver_first_name: string | null;
  caregiver_last_name: string | null;
  manual_entry: number | null;
  manual_reason: string | null;
  manual_begin_ms: number | null;
  manual_end_ms: number | null;
  begin_ms: number;
  end_ms: number;
  time_zone: string;
  presence_in: string | null;
  presence_out: string | null;
  status: VisitStatus;
  units: number;
  reasons: string;
  tasks: string;
  client_name: string;
  location_id: string;
  address: string;
  provider_name: string;
}

export function* visitRecords(db: EvvDatabase, filter: VisitFilter): Generator<EvvRecord> {
  const statuses = filter.statuses.map(() => "?").join(", ");
  const rows = db
    .prepare(
      `SELECT v.*, a.service_program, c.name AS client_name, c.location_id, l.address, p.name AS provider_name,
              g.first_name AS caregiver_first_name, g.last_name AS caregiver_last_name,
              m.reason AS manual_reason, m.begin_ms AS manual_begin_ms, m.end_ms AS manual_end_ms
       FROM visits v
       JOIN authorizations a ON a.authorization_id = v.authorization_id
       JOIN clients c ON c.nd_number = v.client_nd_number
       JOIN service_locations l ON l.location_id = c.location_id
       JOIN providers p ON p.provider_number = v.provider_number
       LEFT JOIN caregivers g ON g.provider_number = v.provider_number AND g.caregiver_id = v.caregiver_id
       LEFT JOIN manual_visits m ON m.entry_id = v.manual_entry
       WHERE v.begin_ms IS NOT NULL AND v.end_ms IS NOT NULL AND v.caregiver_id IS NOT NULL AND v.status IN (${statuses})
       ORDER BY v.begin_ms, v.visit_id`,
    )
    .iterate(...filter.statuses) as IterableIterator<Row>;
  for (const r of rows) {
    const begin = DateTime.fromMillis(r.begin_ms, { zone: r.time_zone });
    const date = begin.toISODate()!;
    if (filter.from && date < filter.from) continue;
    if (filter.to && date > filter.to) continue;
    yield {
      visitId: r.visit_id,
      typeOfService: `${r.procedure_code} ${r.service_program}`,
      individualReceivingService: r.client_nd_number,
      dateOfService: date,
      location: r.address,
      individualProvidingService: r.caregiver_first_name === null ? r.caregiver_id : `${r.caregiver_first_name} ${r.caregiver_last_name}`,
      caregiverId: r.caregiver_id,
      beginTime: begin.toISO({ suppressMilliseconds: true })!,
      endTime: DateTime.fromMillis(r.end_ms, { zone: r.time_zone }).toISO({ suppressMilliseconds: true })!,
      clientName: r.client_name,
      clientNdNumber: r.client_nd_number,
      providerName: r.provider_name,
      providerNumber: r.provider_number,
      serviceLocationId: r.location_id,
      timeZone: r.time_zone,
      tasks: JSON.parse(r.tasks) as string[],
      procedureCode: r.procedure_code,
      authorizationId: r.authorization_id,
      presenceCheckIn: r.manual_begin_ms !== null || r.presence_in === null ? "manual" : r.presence_in,
      presenceCheckOut: r.manual_end_ms !== null || r.presence_out === null ? "manual" : r.presence_out,
      deviceId: r.device_id ?? "",
      verification: r.manual_entry === null ? "device" : r.check_in_reading === null && r.check_out_reading === null ? "manual-entry" : "manual-correction",
      manualReason: r.manual_reason ?? "",
      status: r.status,
      units: r.units,
      reasonCodes: (JSON.parse(r.reasons) as { code: string }[]).map((x) => x.code),
    };
  }
}
