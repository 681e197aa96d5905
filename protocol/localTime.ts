// Local time of the fob's service location (SPEC.md section 8.1): a standard offset from UTC and
// a daylight-saving rule, delivered by the key holder with the ZONE command (MAC'd with a
// fresh SYNCREQ nonce, like the time sync). The device only shows local time; every code,
// frame and record stays in UTC.
import type { HashFunction } from "./hashFunction.js";
import { truncatedMac } from "./hmac.js";
import { concatBytes, u16be, u32be } from "./bytes.js";
import { DOMAIN_ZONE } from "./domains.js";
import { SYNC_NONCE_LENGTH } from "./timeSync.js";

export const ZONE_MAC_LENGTH = 16;
/** No daylight-saving time (e.g. Arizona's America/Phoenix). */
export const ZONE_RULE_NONE = 0;
/** United States: +60 minutes from 02:00 local on the second Sunday of March to 02:00 local daylight time on the first Sunday of November. */
export const ZONE_RULE_US = 1;
export const ZONE_RULE_NAMES = ["NONE", "US"];
/** Standard offsets the ZONE command accepts, minutes east of UTC (UTC-12:00 .. UTC+14:00). */
export const ZONE_OFFSET_MIN = -720;
export const ZONE_OFFSET_MAX = 840;

export function zoneMac(hash: HashFunction, deviceKey: Uint8Array, deviceId: number, deviceNonce: Uint8Array, standardOffsetMinutes: number, rule: number): Uint8Array {
  if (deviceNonce.length !== SYNC_NONCE_LENGTH) throw new Error("zone nonce must be 8 bytes");
  return truncatedMac(
    hash,
    deviceKey,
    concatBytes([new Uint8Array([DOMAIN_ZONE]), u32be(deviceId), deviceNonce, u16be(standardOffsetMinutes & 0xffff), new Uint8Array([rule])]),
    ZONE_MAC_LENGTH,
  );
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The year of a day counted from 1970-01-01. */
export function yearOfDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

/** The n-th Sunday (1-based) of a month, as days from 1970-01-01 (a Thursday). */
function nthSunday(year: number, month: number, n: number): number {
  const first = daysFromCivil(year, month, 1);
  const weekday = (((first + 4) % 7) + 7) % 7;
  return first + ((7 - weekday) % 7) + 7 * (n - 1);
}

/** Minutes east of UTC at a UTC instant (Unix seconds) under a zone setting. */
export function localOffsetMinutes(standardOffsetMinutes: number, rule: number, unixSeconds: number): number {
  if (rule !== ZONE_RULE_US) return standardOffsetMinutes;
  const standardSeconds = standardOffsetMinutes * 60;
  const year = yearOfDays(Math.floor((unixSeconds + standardSeconds) / 86400));
  const start = nthSunday(year, 3, 2) * 86400 + 7200 - standardSeconds;
  const end = nthSunday(year, 11, 1) * 86400 + 3600 - standardSeconds;
  return unixSeconds >= start && unixSeconds < end ? standardOffsetMinutes + 60 : standardOffsetMinutes;
}
