// Two live-in providers of one client may not bill the same date: the provider who began
// first that day keeps it; the other's day is refused.
import { firstBeginMs, refuseDay, type ServiceDay } from "./serviceDay.js";

export function applyLiveInSameDate(days: readonly ServiceDay[]): void {
  const byClientDate = new Map<string, ServiceDay[]>();
  for (const d of days) {
    if (!d.authorization.liveIn || !d.billable) continue;
    const key = d.clientNdNumber + "|" + d.date;
    const list = byClientDate.get(key);
    if (list) list.push(d);
    else byClientDate.set(key, [d]);
  }
  for (const list of byClientDate.values()) {
    const providers = new Set(list.map((d) => d.providerNumber));
    if (providers.size < 2) continue;
    list.sort((a, b) => firstBeginMs(a) - firstBeginMs(b));
    const keeper = list[0].providerNumber;
    for (const d of list) if (d.providerNumber !== keeper) refuseDay(d, { code: "LIVE_IN_SAME_DATE", detail: `${d.date}: ${keeper} has it` });
  }
}
