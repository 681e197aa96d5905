// Checks the demo's outcome against its plan: every planted fault must be caught with its
// reason (by the verifier, or by the reader for a typo), and every clean visit must verify
// without any reason.
import type { ReadOutcome } from "./caregiverRead.js";
import { TYPO_FAULT, visits } from "./scenario.js";

export interface ReportedVisit {
  providerNumber: string;
  clientNdNumber: string;
  status: string;
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
  for (const planned of visits.filter((v) => v.fault)) {
    const fault = planned.fault!;
    const hit = reported.find((r) => r.providerNumber === planned.providerNumber && r.clientNdNumber === planned.clientNdNumber && r.reasons.some((x) => x.code === fault.reason));
    checks.push({ caught: hit !== undefined, what: fault.what, how: hit ? `${fault.reason}, visit ${hit.status}` : `no visit of ${planned.providerNumber} for ${planned.clientNdNumber} has ${fault.reason}` });
  }
  const faultCodes = new Set(visits.filter((v) => v.fault).map((v) => v.fault!.reason));
  const unexpected = reported.filter((r) => r.reasons.some((x) => !faultCodes.has(x.code)) || (r.reasons.length > 0 && !visits.some((v) => v.fault && v.providerNumber === r.providerNumber && v.clientNdNumber === r.clientNdNumber)));
  const clean = reported.filter((r) => r.reasons.length === 0).length;
  checks.push({
    caught: unexpected.length === 0,
    what: "clean visits stay clean",
    how: unexpected.length === 0 ? `${clean} visits verified with no reason, no false alarm` : `unexpected reasons: ${unexpected.map((u) => `${u.clientNdNumber}/${u.providerNumber}: ${u.reasons.map((x) => x.code).join(",")}`).join("; ")}`,
  });
  return checks;
}
