// The visit timeline: one section per client, one row per local day with each visit drawn as a
// bar on a 24-hour axis in the client's own time zone, coloured by status, followed by a table
// of the visits with how presence was proven and the reasons in words. A self-contained HTML
// page (no scripts, no external files) that `evv report timeline` writes.
import { DateTime } from "luxon";
import type { EvvDatabase } from "../storage/database.js";
import { sentenceOf, type Reason, type VisitStatus } from "../verifier/reasonCodes.js";

interface TimelineVisit {
  visitId: string;
  clientNdNumber: string;
  clientName: string;
  timeZone: string;
  providerNumber: string;
  providerName: string;
  procedureCode: string | null;
  deviceId: string | null;
  beginMs: number | null;
  endMs: number | null;
  /** The first reading's time, for visits without a proven begin (rejected, unpaired). */
  readerMs: number | null;
  presenceIn: string | null;
  presenceOut: string | null;
  status: VisitStatus;
  units: number;
  reasons: Reason[];
}

const STATUS_COLOURS: Record<VisitStatus, string> = {
  verified: "#2e7d32",
  "verified-with-flags": "#f9a825",
  "needs-review": "#1565c0",
  rejected: "#c62828",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function loadVisits(db: EvvDatabase): TimelineVisit[] {
  const rows = db
    .prepare(
      `SELECT v.visit_id, v.client_nd_number, coalesce(c.name, v.client_nd_number) AS client_name,
              coalesce(v.time_zone, l.time_zone, 'UTC') AS time_zone, v.provider_number,
              coalesce(p.name, v.provider_number) AS provider_name, v.procedure_code, v.device_id,
              v.begin_ms, v.end_ms, r.reader_ms, v.presence_in, v.presence_out, v.status, v.units, v.reasons
         FROM visits v
         LEFT JOIN clients c ON c.nd_number = v.client_nd_number
         LEFT JOIN service_locations l ON l.location_id = c.location_id
         LEFT JOIN providers p ON p.provider_number = v.provider_number
         LEFT JOIN readings r ON r.reading_id = coalesce(v.check_in_reading, v.check_out_reading)
        ORDER BY v.client_nd_number, coalesce(v.begin_ms, r.reader_ms)`,
    )
    .all() as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    visitId: r.visit_id as string,
    clientNdNumber: r.client_nd_number as string,
    clientName: r.client_name as string,
    timeZone: r.time_zone as string,
    providerNumber: r.provider_number as string,
    providerName: r.provider_name as string,
    procedureCode: r.procedure_code as string | null,
    deviceId: r.device_id as string | null,
    beginMs: r.begin_ms as number | null,
    endMs: r.end_ms as number | null,
    readerMs: r.reader_ms as number | null,
    presenceIn: r.presence_in as string | null,
    presenceOut: r.presence_out as string | null,
    status: r.status as VisitStatus,
    units: r.units as number,
    reasons: JSON.parse(r.reasons as string) as Reason[],
  }));
}

/** Bars of one visit per local day it touches (a visit across midnight gets two). */
function dayBars(v: TimelineVisit): { date: string; startMinute: number; endMinute: number }[] {
  const begin = v.beginMs ?? v.readerMs;
  if (begin === null) return [];
  const end = v.endMs ?? begin + 5 * 60_000;
  const bars: { date: string; startMinute: number; endMinute: number }[] = [];
  let cursor = DateTime.fromMillis(begin, { zone: v.timeZone });
  const last = DateTime.fromMillis(end, { zone: v.timeZone });
  while (cursor < last) {
    const dayEnd = cursor.startOf("day").plus({ days: 1 });
    const segmentEnd = last < dayEnd ? last : dayEnd;
    const dayStart = cursor.startOf("day");
    bars.push({ date: cursor.toISODate()!, startMinute: cursor.diff(dayStart, "minutes").minutes, endMinute: segmentEnd.diff(dayStart, "minutes").minutes });
    cursor = segmentEnd;
  }
  return bars;
}

function localTime(ms: number | null, zone: string): string {
  return ms === null ? "—" : DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL HH:mm ZZZZ");
}

function clientSection(visits: TimelineVisit[]): string {
  const first = visits[0];
  const byDate = new Map<string, string[]>();
  for (const v of visits) {
    for (const bar of dayBars(v)) {
      const left = (bar.startMinute / 1440) * 100;
      const width = Math.max(((bar.endMinute - bar.startMinute) / 1440) * 100, 0.6);
      const title = `${v.providerName}: ${v.status}${v.reasons.length ? " — " + v.reasons.map((r) => `${r.code}: ${sentenceOf(r)}`).join("; ") : ""}`;
      const list = byDate.get(bar.date) ?? [];
      list.push(`<span class="bar" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%;background:${STATUS_COLOURS[v.status]}" title="${escapeHtml(title)}"></span>`);
      byDate.set(bar.date, list);
    }
  }
  const dayRows = [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, bars]) => `<div class="day"><span class="date">${DateTime.fromISO(date).toFormat("ccc d LLL")}</span><div class="axis">${bars.join("")}</div></div>`)
    .join("\n");
  const tableRows = visits
    .map(
      (v) => `<tr>
  <td>${escapeHtml(localTime(v.beginMs ?? v.readerMs, v.timeZone))}</td>
  <td>${escapeHtml(v.endMs === null ? "—" : DateTime.fromMillis(v.endMs, { zone: v.timeZone }).toFormat("HH:mm"))}</td>
  <td>${escapeHtml(v.providerName)}<br><small>${escapeHtml(v.providerNumber)}</small></td>
  <td>${escapeHtml(v.procedureCode ?? "—")}</td>
  <td>${escapeHtml(v.presenceIn ?? "—")} / ${escapeHtml(v.presenceOut ?? "—")}</td>
  <td>${escapeHtml(v.deviceId ?? "—")}</td>
  <td class="num">${v.units}</td>
  <td><span class="status" style="background:${STATUS_COLOURS[v.status]}">${v.status}</span></td>
  <td>${v.reasons.map((r) => `<b>${escapeHtml(r.code)}</b> ${escapeHtml(sentenceOf(r))}`).join("<br>")}</td>
</tr>`,
    )
    .join("\n");
  return `<section>
<h2>${escapeHtml(first.clientName)} <small>${escapeHtml(first.clientNdNumber)} · ${escapeHtml(first.timeZone)}</small></h2>
<div class="timeline"><div class="hours">${[0, 6, 12, 18, 24].map((h) => `<span style="left:${(h / 24) * 100}%">${String(h).padStart(2, "0")}:00</span>`).join("")}</div>
${dayRows}
</div>
<table>
<thead><tr><th>Begin (local)</th><th>End</th><th>Provider</th><th>Code</th><th>Presence in / out</th><th>Device</th><th>Units</th><th>Status</th><th>Reasons</th></tr></thead>
<tbody>
${tableRows}
</tbody>
</table>
</section>`;
}

export function visitTimelineHtml(db: EvvDatabase, generatedAt: Date): string {
  const visits = loadVisits(db);
  const byClient = new Map<string, TimelineVisit[]>();
  for (const v of visits) byClient.set(v.clientNdNumber, [...(byClient.get(v.clientNdNumber) ?? []), v]);
  const legend = (Object.keys(STATUS_COLOURS) as VisitStatus[]).map((s) => `<span class="status" style="background:${STATUS_COLOURS[s]}">${s}</span>`).join(" ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>EVV visit timeline</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 small, td small { color: #666; font-weight: normal; }
.timeline { margin: 1em 0; } .hours { position: relative; height: 1.2em; margin-left: 7em; color: #888; font-size: 12px; }
.hours span { position: absolute; transform: translateX(-50%); }
.day { display: flex; align-items: center; height: 1.8em; } .date { width: 7em; color: #555; }
.axis { position: relative; flex: 1; height: 1.1em; background: repeating-linear-gradient(90deg, #f3f3f3 0 calc(100% / 24 - 1px), #ddd calc(100% / 24 - 1px) calc(100% / 24)); }
.bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2.5em; } th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
.num { text-align: right; } .status { color: #fff; border-radius: 3px; padding: 0 0.4em; white-space: nowrap; }
</style>
</head>
<body>
<h1>EVV visit timeline</h1>
<p>${visits.length} visits of ${byClient.size} clients, generated ${escapeHtml(generatedAt.toISOString())}. Times are local to each client's service location. ${legend}</p>
${[...byClient.values()].map(clientSection).join("\n")}
</body>
</html>
`;
}
