// A row of the `visits` table as better-sqlite3 returns it (the columns the reports read).
import type { Visit, VisitStatus } from "../domain/visit.js";

export interface StoredVisitRow {
  visit_seq: number;
  visit_id: string;
  provider_number: string;
  caregiver_id: string | null;
  manual_entry: number | null;
  client_nd_number: string;
  authorization_id: string | null;
  procedure_code: Visit["procedureCode"];
  check_in_reading: string | null;
  check_out_reading: string | null;
  device_id: string | null;
  begin_ms: number | null;
  end_ms: number | null;
  presence_in: Visit["presenceCheckIn"];
  presence_out: Visit["presenceCheckOut"];
  status: VisitStatus;
  units: number;
  /** JSON: [{ code, detail? }, ...]. */
  reasons: string;
  /** JSON: the tasks performed. */
  tasks: string;
  /** JSON: [[local date, minutes, paid minutes, units], ...] in date order. */
  days: string;
}
