// Checks the demo's outcome against its plan: every planted fault must be caught with its
// reason (by the verifier, or by the reader for a typo), and every clean visit must verify
// without any reason.
import type { ReadOutcome } from "./caregiverRead.js";
import { MANUAL_VISIT, TYPO_FAULT, visits } from "./scenario.js";

export interface ReportedVisit {
  visitId: string;
  providerNumber: string;
  caregiverId: string | null;
  clientNdNumber: string;
  status: string;
  units: number;
  manualEntry: number | null;
  reasons: { code: string }[];
}

export interface FaultCheck {
  caught: boolean;
  what: string;
  how: string;
}

export function plantedFaultChecks(reported: ReportedVisit[], refusedAtEntry: ReadOutcome[]): FaultCheck[] {
  const checks: FaultCheck[] = [];
  const typo = refusedAtEntry[0];
  checks.push({
    caught: typo !== undefined,
    what: TYPO_FAULT.what,
    how: typo ? `the reader refused it at entry (${TYPO_FAULT.reason}): ${typo.refusal}` : "the reader logged it",
  });
  // Each visit the verifier gave a reason must be a planted one, and each planted one found once.
  const faulty = visits.filter((v) => v.fault);
  const matched = new Set<ReportedVisit>();
  // The visit agency staff recorded by hand: paid, marked manual, never device-verified.
  const manual = reported.find((r) => r.manualEntry !== null && r.providerNumber === MANUAL_VISIT.providerNumber && r.caregiverId === MANUAL_VISIT.caregiverId);
  if (manual) matched.add(manual);
  checks.push({
    caught: manual !== undefined && manual.status === "verified-with-flags" && manual.units > 0 && manual.reasons.map((r) => r.code).join() === "MANUAL_ENTRY",
    what: `a visit recorded by hand (${MANUAL_VISIT.reason}, by ${MANUAL_VISIT.enteredBy})`,
    how: manual ? `MANUAL_ENTRY, visit ${manual.visitId} ${manual.status} with ${manual.units} units, not device-verified` : "no manual visit in the report",
  });
  for (const planned of faulty) {
    const fault = planned.fault!;
    const hit = reported.find(
      (r) => !matched.has(r) && r.providerNumber === planned.providerNumber && r.clientNdNumber === planned.clientNdNumber && r.reasons.some((x) => x.code === fault.reason),
    );
    if (hit) matched.add(hit);
    checks.push({ caught: hit !== undefined, what: fault.what, how: hit ? `${fault.reason}, visit ${hit.status}` : `no visit of ${planned.providerNumber} for ${planned.clientNdNumber} has ${fault.reason}` });
  }
  const unexpected = reported.filter((r) => !matched.has(r) && r.reasons.length > 0);
  const clean = reported.filter((r) => r.reasons.length === 0).length;
  const wrongCaregiver = reported.filter((r) => r.manualEntry === null && !visits.some((v) => v.providerNumber === r.providerNumber && v.clientNdNumber === r.clientNdNumber && v.caregiverId === r.caregiverId));
  checks.push({
    caught: wrongCaregiver.length === 0,
    what: "every visit names the caregiver who read the fob (the agency's two employees apart)",
    how: wrongCaregiver.length === 0 ? "each visit's caregiver is the one planned" : `visits with another caregiver: ${wrongCaregiver.map((w) => `${w.visitId}: ${w.caregiverId}`).join("; ")}`,
  });
  checks.push({
    caught: unexpected.length === 0 && clean === visits.length - faulty.length,
    what: "clean visits stay clean",
    how:
      unexpected.length === 0
        ? `${clean} of ${visits.length - faulty.length} clean visits verified with no reason, no false alarm`
        : `unexpected reasons: ${unexpected.map((u) => `${u.clientNdNumber}/${u.providerNumber}: ${u.reasons.map((x) => x.code).join(",")}`).join("; ")}`,
  });
  return checks;
}
