// Verifies a slice of the run: whole components of the provider–client graph (every rule looks
// within one component, never across), from their stored readings to decided visit records.
// The same code runs in the writer's thread (one thread) or in each worker thread.
import type { EvvDatabase } from "../storage/database.js";
import type { MasterKeySource } from "./masterKeys.js";
import type { VerifierSettings } from "./settings.js";
import type { ProviderClientPair } from "./pairComponents.js";
import type { CaregiverWeek } from "./rules/weeklyAudit.js";
import { VerificationContext } from "./verificationContext.js";
import { LocalCalendar } from "./localCalendar.js";
import { ReadingEvidence, type ReadingVerdict } from "./readingEvidence.js";
import { loadIntakeFacts } from "./intakeFacts.js";
import { READING_ROW_CAREGIVER, READING_ROW_COLUMNS, type ReadingRow } from "./readingRow.js";
import { pairReadings } from "./visitPairing.js";
import { isBillableCandidate, type VisitDraft } from "./visitDraft.js";
import { establishVisitFacts } from "./rules/visitFacts.js";
import { markDuplicatesAndOverlaps } from "./rules/duplicatesAndOverlaps.js";
import { applyNorthDakotaRules } from "./rules/northDakotaRules.js";
import { statusOf } from "./reasonCodes.js";
import { RECORD_VISIT_ID, recordVisit, type RecordValue } from "./visitRecord.js";
import { decisionsEntryBody } from "./visitDecision.js";
import { applyManualEntries, MANUAL_ENTRY_COLUMNS, type ManualEntryRow } from "./manualVisits.js";
import type { Reason } from "./reasonCodes.js";

export type Slice = ProviderClientPair[][];

export interface SliceOutcome {
  /** VISIT_RECORD_WIDTH values per visit, in decision order. */
  records: RecordValue[];
  /** Visits in the slice. */
  visits: number;
  /** The slice's `visit.decisions` audit entry (deflated; visitDecision.ts), or null when it has no visits. */
  auditEntry: { firstVisit: string; body: Uint8Array } | null;
  readings: number;
  auditWeeks: CaregiverWeek[];
  /** Milliseconds judging and pairing readings, and applying the rules (never asserted). */
  readingsMs: number;
  rulesMs: number;
}

export class SliceVerifier {
  private readonly ctx: VerificationContext;
  private readonly calendar = new LocalCalendar();
  private readonly evidence: ReadingEvidence;
  private readonly maxVisitMs: number;
  private readonly selectPair;
  /** Manual visit entries by "provider|client", loaded once (they are few). */
  private readonly manualByPair = new Map<string, ManualEntryRow[]>();

  constructor(
    db: EvvDatabase,
    keys: MasterKeySource,
    settings: VerifierSettings,
    private readonly runId: number,
    /** Called after each provider–client pair's readings are judged (a worker's sign of life). */
    private readonly onPair: () => void = () => {},
  ) {
    this.ctx = new VerificationContext(db, keys);
    this.evidence = new ReadingEvidence(this.ctx, settings, loadIntakeFacts(db));
    this.maxVisitMs = settings.maxVisitHours * 3600_000;
    this.selectPair = db.prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings WHERE provider_number = ? AND client_nd_number = ? ORDER BY received_seq`).raw();
    for (const m of db.prepare(`SELECT provider_number, client_nd_number, ${MANUAL_ENTRY_COLUMNS} FROM manual_visits ORDER BY entry_id`).all() as (ManualEntryRow & {
      provider_number: string;
      client_nd_number: string;
    })[]) {
      const key = m.provider_number + "|" + m.client_nd_number;
      const list = this.manualByPair.get(key);
      if (list) list.push(m);
      else this.manualByPair.set(key, [m]);
    }
  }

  /**
   * The caregiver a reading's caregiver ID stands for: an individual QSP is its own caregiver
   * (named or not); an agency's reading must name a known employee, or the visit goes to review
   * (and, without a name, is not paid: caps and the audit are per person).
   */
  private caregiverOf(providerNumber: string, named: string | null): { caregiverId: string | null; reason: Reason | null } {
    const provider = this.ctx.providers.get(providerNumber);
    if (named === null) {
      if (provider?.kind === "individual") return { caregiverId: providerNumber, reason: null };
      return { caregiverId: null, reason: { code: "CAREGIVER_NOT_NAMED", detail: `agency ${providerNumber}` } };
    }
    if (provider && !this.ctx.caregiver(providerNumber, named)) return { caregiverId: named, reason: { code: "UNKNOWN_CAREGIVER", detail: `${named} of ${providerNumber}` } };
    return { caregiverId: named, reason: null };
  }

  verify(slice: Slice): SliceOutcome {
    const out: SliceOutcome = { records: [], visits: 0, auditEntry: null, readings: 0, auditWeeks: [], readingsMs: 0, rulesMs: 0 };
    const decisions: string[] = [];
    for (const component of slice) {
      // Evidence and pairing, pair by pair in the order of receipt (the typed-code throttle counts in that order).
      const t0 = performance.now();
      const visits: VisitDraft[] = [];
      for (const [providerNumber, clientNdNumber] of component) {
        const rows = this.selectPair.all(providerNumber, clientNdNumber) as ReadingRow[];
        const client = this.ctx.clients.get(clientNdNumber) ?? null;
        // Each caregiver's readings are paired on their own (judged all together in the order HHS received them: the typed-code throttle counts per provider and client in that order).
        const verdicts = new Array<ReadingVerdict>(rows.length);
        let mixed = false;
        for (let i = 0; i < rows.length; i++) {
          verdicts[i] = this.evidence.judge(providerNumber, clientNdNumber, rows[i]);
          if (rows[i][READING_ROW_CAREGIVER] !== rows[0][READING_ROW_CAREGIVER]) mixed = true;
        }
        const pairVisits: VisitDraft[] = [];
        const groups: [string | null, ReadingVerdict[]][] = [];
        if (!mixed) groups.push([rows.length > 0 ? rows[0][READING_ROW_CAREGIVER] : null, verdicts]);
        else {
          const byCaregiver = new Map<string | null, ReadingVerdict[]>();
          for (let i = 0; i < rows.length; i++) {
            const list = byCaregiver.get(rows[i][READING_ROW_CAREGIVER]);
            if (list) list.push(verdicts[i]);
            else byCaregiver.set(rows[i][READING_ROW_CAREGIVER], [verdicts[i]]);
          }
          for (const group of byCaregiver) groups.push(group);
        }
        for (const [named, group] of groups) {
          if (group.length === 0) continue;
          const { caregiverId, reason } = this.caregiverOf(providerNumber, named);
          for (const v of pairReadings(providerNumber, caregiverId, clientNdNumber, client, group, this.maxVisitMs)) {
            if (reason) v.reasons.push(reason);
            pairVisits.push(v);
          }
        }
        const manual = this.manualByPair.get(providerNumber + "|" + clientNdNumber);
        if (manual) applyManualEntries(pairVisits, manual, providerNumber, clientNdNumber, client);
        for (const v of pairVisits) visits.push(v);
        out.readings += rows.length;
        this.onPair();
      }
      const t1 = performance.now();
      for (const w of decideVisits(visits, this.ctx, this.calendar)) out.auditWeeks.push(w);
      for (const v of visits) decisions.push(recordVisit(v, out.records));
      out.readingsMs += t1 - t0;
      out.rulesMs += performance.now() - t1;
    }
    out.visits = decisions.length;
    if (decisions.length > 0) {
      const t2 = performance.now();
      out.auditEntry = { firstVisit: out.records[RECORD_VISIT_ID] as string, body: decisionsEntryBody(this.runId, decisions) };
      out.rulesMs += performance.now() - t2;
    }
    return out;
  }
}

/** Visit checks, duplicates and overlaps, the ND rules, and each visit's final status and units. */
function decideVisits(visits: VisitDraft[], ctx: VerificationContext, calendar: LocalCalendar): CaregiverWeek[] {
  const complete: VisitDraft[] = [];
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    if (v.status === "rejected" || v.beginMs === null) continue;
    establishVisitFacts(v, ctx, calendar);
    v.status = statusOf(v.reasons);
    if (v.status !== "rejected") complete.push(v);
  }
  markDuplicatesAndOverlaps(complete);
  const billable: VisitDraft[] = [];
  for (const v of complete) {
    v.status = statusOf(v.reasons);
    if (isBillableCandidate(v)) billable.push(v);
  }
  const outcome = applyNorthDakotaRules(billable, ctx, calendar);
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    let units = 0;
    if (v.status !== "rejected") for (const d of v.days) units += d.units;
    else for (const d of v.days) (d.paidMinutes = 0), (d.units = 0);
    v.units = units;
  }
  return outcome.auditWeeks;
}
