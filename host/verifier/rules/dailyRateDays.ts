// T1020 daily rate: one unit per client per day; not for a day in hospital, a facility or on
// leave, except the day of return; the day of death is allowed.
import type { ClientInfo } from "../verificationContext.js";
import { firstBeginMs, refuseDay, type ServiceDay } from "./serviceDay.js";

export function isAbsentDay(client: ClientInfo, date: string): boolean {
  if (client.dateOfDeath !== null && date === client.dateOfDeath) return false;
  for (const a of client.absences) if (a.from <= date && (a.returned === undefined || date < a.returned)) return true;
  return false;
}

export function applyDailyRateDays(days: readonly ServiceDay[], clients: ReadonlyMap<string, ClientInfo>): void {
  const byClientDate = new Map<string, ServiceDay[]>();
  for (const d of days) {
    if (d.authorization.procedureCode !== "T1020" || !d.billable) continue;
    const client = clients.get(d.clientNdNumber)!;
    if (isAbsentDay(client, d.date)) {
      refuseDay(d, { code: "DAILY_RATE_ABSENT_DAY", detail: d.date });
      continue;
    }
    const key = d.clientNdNumber + "|" + d.date;
    const list = byClientDate.get(key);
    if (list) list.push(d);
    else byClientDate.set(key, [d]);
  }
  for (const list of byClientDate.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => firstBeginMs(a) - firstBeginMs(b));
    for (const d of list.slice(1)) refuseDay(d, { code: "DAILY_RATE_ALREADY_BILLED", detail: `${d.date}: ${list[0].providerNumber} has it` });
  }
}
