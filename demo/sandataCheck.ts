// Checks the demo's Sandata export as Sandata's intake would: every record against the
// reference's field rules, SequenceIDs rising, and the visit recorded by hand carried with
// Manual calls and its change record, the fob visits with FVV calls.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkSandataRecord, type SandataRecordKind } from "../host/export/sandataFieldRules.js";
import type { FaultCheck } from "./plantedFaults.js";

const KIND: Record<string, SandataRecordKind> = { employees: "employee", clients: "client", visits: "visit" };

export function sandataExportChecks(dir: string): FaultCheck[] {
  const problems: string[] = [];
  let last = 0;
  const visits: Record<string, unknown>[] = [];
  let records = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const kind = KIND[file.split("-")[2]];
    for (const r of JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown>[]) {
      records++;
      if (!((r.SequenceID as number) > last)) problems.push(`${file}: SequenceID ${String(r.SequenceID)} not rising`);
      last = r.SequenceID as number;
      for (const p of checkSandataRecord(kind, r, { update: false, memoRequiredFor: ["22"] })) problems.push(`${file}: ${p}`);
      if (kind === "visit") visits.push(r);
    }
  }
  const callTypes = (v: Record<string, unknown>) => (v.Calls as { CallType: string }[]).map((c) => c.CallType).join("+");
  const manual = visits.filter((v) => callTypes(v) === "Manual+Manual" && Array.isArray(v.VisitChanges));
  const fob = visits.filter((v) => callTypes(v) === "FVV+FVV");
  return [
    {
      caught: problems.length === 0 && records > 0,
      what: "the Sandata export satisfies every field rule of the reference",
      how: problems.length === 0 ? `${records} records (employees, clients, visits), SequenceID 1-${last}` : problems.slice(0, 5).join("; "),
    },
    {
      caught: manual.length === 1 && fob.length > 0,
      what: "the export marks the visit recorded by hand",
      how: `${manual.length} visit with Manual calls and a change record (reason ${String((manual[0]?.VisitChanges as { ReasonCode: string }[] | undefined)?.[0]?.ReasonCode)}), ${fob.length} with FVV calls`,
    },
  ];
}
