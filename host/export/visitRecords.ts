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
  visit_id: string;
  provider_number: string;
  client_nd_number: string;
  authorization_id: string;
  procedure_code: string;
  service_program: string;
  device_id: string;
  begin_ms: number;
  end_ms: number;
  time_zone: string;
  presence_in: string;
  presence_out: string;
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
      `SELECT v.*, a.service_program, c.name AS client_name, c.location_id, l.address, p.name AS provider_name
       FROM visits v
       JOIN authorizations a ON a.authorization_id = v.authorization_id
       JOIN clients c ON c.nd_number = v.client_nd_number
       JOIN service_locations l ON l.location_id = c.location_id
       JOIN providers p ON p.provider_number = v.provider_number
       WHERE v.begin_ms IS NOT NULL AND v.end_ms IS NOT NULL AND v.status IN (${statuses})
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
      individualProvidingService: r.provider_number,
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
      presenceCheckIn: r.presence_in,
      presenceCheckOut: r.presence_out,
      deviceId: r.device_id,
      status: r.status,
      units: r.units,
      reasonCodes: (JSON.parse(r.reasons) as { code: string }[]).map((x) => x.code),
    };
  }
}
