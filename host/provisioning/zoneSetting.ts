// The fob's local-time setting (protocol/localTime.ts) for an IANA time zone: its standard
// offset and whether it follows the US daylight-saving rule. Only what the fob can show is
// accepted: a zone whose offsets over the coming two years differ from the setting's is refused
// by name (the fob would show a wrong local time).
import { DateTime } from "luxon";
import { localOffsetMinutes, ZONE_RULE_NAMES, ZONE_RULE_NONE, ZONE_RULE_US } from "../../protocol/index.js";

export interface ZoneSetting {
  timeZone: string;
  standardOffsetMinutes: number;
  rule: number;
  ruleName: string;
}

const CHECK_HOURS = 2 * 366 * 24;

export function zoneSettingFor(timeZone: string, at: Date): ZoneSetting {
  const now = DateTime.fromJSDate(at, { zone: timeZone });
  if (!now.isValid) throw new Error(`unknown time zone ${timeZone}`);
  const january = now.set({ month: 1, day: 15 }).offset;
  const july = now.set({ month: 7, day: 15 }).offset;
  const standard = Math.min(january, july);
  const rule = january === july ? ZONE_RULE_NONE : ZONE_RULE_US;
  const startSeconds = Math.floor(at.getTime() / 1000);
  for (let hour = 0; hour < CHECK_HOURS; hour++) {
    const t = startSeconds + hour * 3600;
    if (localOffsetMinutes(standard, rule, t) !== DateTime.fromSeconds(t, { zone: timeZone }).offset)
      throw new Error(`time zone ${timeZone} does not follow the US daylight-saving rule or none; the fob cannot show its local time`);
  }
  return { timeZone, standardOffsetMinutes: standard, rule, ruleName: ZONE_RULE_NAMES[rule] };
}
