// The same visit recorded twice is rejected; a caregiver at two visits at once, or a client
// served by two caregivers at once, goes to review.
import type { VisitDraft } from "../visitDraft.js";
import { statusOf } from "../reasonCodes.js";

/** `visits`: complete visits (begin and end known) not already rejected. */
export function markDuplicatesAndOverlaps(visits: VisitDraft[]): void {
  const seen = new Map<string, VisitDraft>();
  const kept: VisitDraft[] = [];
  for (const v of visits) {
    const key = v.providerNumber + "|" + v.caregiverId + "|" + v.clientNdNumber + "|" + v.beginMs + "|" + v.endMs;
    const earlier = seen.get(key);
    if (earlier) v.reasons.push({ code: "DUPLICATE_VISIT", detail: `same as ${earlier.visitId}` });
    else {
      seen.set(key, v);
      kept.push(v);
    }
  }
  markOverlaps(kept, (v) => v.providerNumber + "|" + v.caregiverId, () => true, "CAREGIVER_OVERLAP");
  markOverlaps(kept, (v) => v.clientNdNumber, (a, b) => a.providerNumber !== b.providerNumber || a.caregiverId !== b.caregiverId, "CLIENT_OVERLAP");
}

function markOverlaps(
  visits: VisitDraft[],
  groupOf: (v: VisitDraft) => string,
  counts: (a: VisitDraft, b: VisitDraft) => boolean,
  code: "CAREGIVER_OVERLAP" | "CLIENT_OVERLAP",
): void {
  const groups = new Map<string, VisitDraft[]>();
  for (const v of visits) {
    const key = groupOf(v);
    const list = groups.get(key);
    if (list) list.push(v);
    else groups.set(key, [v]);
  }
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.beginMs! - b.beginMs!);
    let latest = list[0];
    for (let i = 1; i < list.length; i++) {
      const v = list[i];
      if (v.beginMs! < latest.endMs! && counts(latest, v)) {
        addOnce(latest, code, v.visitId);
        addOnce(v, code, latest.visitId);
      }
      if (v.endMs! > latest.endMs!) latest = v;
    }
  }
}

function addOnce(v: VisitDraft, code: "CAREGIVER_OVERLAP" | "CLIENT_OVERLAP", other: string): void {
  if (!v.reasons.some((r) => r.code === code)) v.reasons.push({ code, detail: `with ${other}` });
  v.status = statusOf(v.reasons);
}
