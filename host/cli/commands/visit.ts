// `evv visit record|correct|list`: manual visit maintenance by agency or HHS staff, when a fob
// could not prove a visit (malfunction, not yet placed, lost power ...). Each entry names the
// reason, who made it and when, and goes into the audit log; the next `evv verify` applies it,
// and the visit is shown as manual (MANUAL_ENTRY or MANUAL_CORRECTION), never as device-verified.
import type { Command } from "commander";
import { DateTime } from "luxon";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { describeIssue, InputFileError } from "../../domain/inputFile.js";
import { MANUAL_REASON_SENTENCES, manualReason, manualVisitEntry, type ManualVisitEntry } from "../../domain/manualVisit.js";
import { manualEntries, recordManualVisit } from "../../storage/manualVisits.js";
import type { EvvDatabase } from "../../storage/database.js";

interface EntryOptions {
  db: string;
  keystore: string;
  passphraseFile?: string;
  provider: string;
  client: string;
  caregiver: string;
  begin?: string;
  end?: string;
  tasks?: string;
  reason: string;
  memo?: string;
  by: string;
  json?: boolean;
}

const REASONS_HELP = manualReason.options.map((r) => `  ${r.padEnd(20)} ${MANUAL_REASON_SENTENCES[r]}`).join("\n");

function withEntryOptions(command: Command, timesRequired: boolean): Command {
  // The keystore: the entry's audit record is sealed with the key it derives (host/storage/auditLog.ts).
  for (const option of verifierStoreOptions()) command.addOption(option);
  const time = (name: string) => `${name}: ISO 8601 with an offset, or a local time (2026-12-10T08:00) at the client's service location`;
  return command
    .requiredOption("--provider <number>", "the QSP's provider number")
    .requiredOption("--client <ndNumber>", "the client's ND number")
    .requiredOption("--caregiver <id>", "the caregiver who gave the care")
    [timesRequired ? "requiredOption" : "option"]("--begin <time>", time("when care began"))
    [timesRequired ? "requiredOption" : "option"]("--end <time>", time("when care ended"))
    .option("--tasks <list>", "tasks performed, comma-separated")
    .requiredOption("--reason <code>", `why by hand: ${manualReason.options.join(", ")}`)
    .option("--memo <text>", "a note (required with --reason other)")
    .requiredOption("--by <user>", "who makes the entry (staff user name)")
    .option("--json", "print the stored entry as JSON")
    .addHelpText("after", `\nReasons:\n${REASONS_HELP}\n\nThe entry is audit-logged; run evv verify to apply it. Exit codes: 0 recorded; 2 usage; 3 refused (nothing recorded).`);
}

/** A time as given: with an offset as it is, without one in the client's time zone. */
function instantOf(db: EvvDatabase, clientNdNumber: string, text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  const zoneRow = db.prepare("SELECT l.time_zone FROM clients c JOIN service_locations l USING (location_id) WHERE c.nd_number = ?").get(clientNdNumber) as { time_zone: string } | undefined;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const t = hasOffset ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone: zoneRow?.time_zone ?? "UTC" });
  if (!t.isValid) throw new CliError(`${flag}: ${JSON.stringify(text)} is not a time (2026-12-10T08:00, or with an offset)`, EXIT_USAGE);
  return t.toISO({ suppressMilliseconds: true })!;
}

function record(opts: EntryOptions, correctsVisit: string | undefined): void {
  const stores = openVerifierStores(opts, { needKeystore: true });
  try {
    const parsed = manualVisitEntry.safeParse({
      correctsVisit,
      providerNumber: opts.provider,
      clientNdNumber: opts.client,
      caregiverId: opts.caregiver,
      begin: instantOf(stores.db, opts.client, opts.begin, "--begin"),
      end: instantOf(stores.db, opts.client, opts.end, "--end"),
      tasks: opts.tasks
        ?.split(",")
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
      reason: opts.reason,
      memo: opts.memo,
      enteredBy: opts.by,
    });
    if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => describeIssue("entry", i)).join("\n"), EXIT_USAGE);
    let stored;
    try {
      stored = recordManualVisit(stores.db, parsed.data as ManualVisitEntry);
    } catch (error) {
      if (error instanceof InputFileError) throw new CliError(`refused, nothing recorded: ${error.message}`, EXIT_BAD_INPUT);
      throw error;
    }
    process.stdout.write(
      opts.json
        ? JSON.stringify(stored, null, 2) + "\n"
        : `recorded manual entry ${stored.entryId} (${stored.correctsVisit ? `correcting visit ${stored.correctsVisit}` : `new visit ${stored.visitId}`}) by ${stored.enteredBy}: ${MANUAL_REASON_SENTENCES[parsed.data.reason]}; run evv verify to apply it\n`,
    );
  } finally {
    stores.close();
  }
}

export function registerVisitCommands(program: Command): void {
  const visit = program.command("visit").description("manual visit maintenance (staff): record or correct a visit the fob could not prove, with a reason");
  withEntryOptions(visit.command("record").description("record a visit by hand (begin and end required)"), true).action((opts: EntryOptions) => record(opts, undefined));
  withEntryOptions(visit.command("correct").description("correct a verified visit's begin and/or end (e.g. a missed check-out)").argument("<visitId>", "the visit's ID (evv report visits)"), false).action(
    (visitId: string, opts: EntryOptions) => record(opts, z.string().min(1).parse(visitId)),
  );
  const list = visit.command("list").description("every manual entry: who, when, why").option("--json", "print as JSON");
  for (const option of verifierStoreOptions()) if (option.long === "--db") list.addOption(option);
  list.action((opts: { db: string; json?: boolean }) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
    try {
      const entries = manualEntries(stores.db);
      process.stdout.write(
        opts.json
          ? JSON.stringify(entries, null, 2) + "\n"
          : entries
              .map(
                (e) =>
                  `${e.entryId}  ${e.enteredAt}  by ${e.enteredBy}  ${e.correctsVisit ? `corrects ${e.correctsVisit}` : `new ${e.visitId}`}  ${e.providerNumber}/${e.caregiverId} → ${e.clientNdNumber}  ${e.begin ?? "(kept)"} – ${e.end ?? "(kept)"}  ${e.reason}${e.memo ? `: ${e.memo}` : ""}\n`,
              )
              .join("") || "no manual entries\n",
      );
    } finally {
      stores.close();
    }
  });
}
