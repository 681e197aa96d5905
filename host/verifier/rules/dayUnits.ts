// Units per service day: T1019 from the day's paid minutes; T1020 one unit with an hour of care.
import { DAILY_RATE_MINIMUM_MINUTES, unitRateUnits } from "./unitRateUnits.js";
import { dayMinutes, dayPaidMinutes, type ServiceDay } from "./serviceDay.js";

export function applyDayUnits(days: readonly ServiceDay[]): void {
  for (const d of days) {
    if (!d.billable) {
      d.units = 0;
      continue;
    }
    if (d.authorization.procedureCode === "T1019") {
      const paid = dayPaidMinutes(d);
      d.units = unitRateUnits(paid);
      if (d.units === 0) d.reasons.push({ code: "UNDER_8_MINUTES", detail: `${paid} min on ${d.date}` });
    } else {
      const minutes = dayMinutes(d);
      d.units = minutes >= DAILY_RATE_MINIMUM_MINUTES ? 1 : 0;
      if (d.units === 0) d.reasons.push({ code: "DAILY_RATE_UNDER_ONE_HOUR", detail: `${minutes} min on ${d.date}` });
    }
  }
}
