// `evv report summary|visits|audit|devices`: what the last verification decided, in words.
import type { Command } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { AuditAppender, verifyAuditChain } from "../../storage/auditLog.js";
import type { EvvDatabase } from "../../storage/database.js";
import { checkVisitsAgainstAudit, type VisitsAuditCheck } from "../../report/visitsAgainstAudit.js";
import { checkReadingsAgainstAudit, type ReadingsAuditCheck } from "../../report/readingsAgainstAudit.js";
import { createProgress } from "../../report/progressBar.js";
import { statusSummary, visitReport } from "../../report/visitReport.js";
import { deviceReport } from "../../report/deviceReport.js";
import { evvUsageReport } from "../../report/evvUsage.js";
import { visitTimelineHtml } from "../../report/visitTimeline.js";
import { writeFileAtomic } from "../../keystore/atomicWrite.js";
import { visitStatus, type VisitStatus } from "../../domain/visit.js";

interface ReportOptions {
  db: string;
  json?: boolean;
  status?: string;
  limit?: string;
}

function withDb(command: Command): Command {
  for (const option of verifierStoreOptions()) if (option.long === "--db") command.addOption(option);
  return command.option("--json", "print as JSON");
}

function write(opts: ReportOptions, value: unknown, text: string): void {
  process.stdout.write(opts.json ? JSON.stringify(value, null, 2) + "\n" : text);
}

export function registerReportCommands(program: Command): void {
  const report = program.command("report").description("reports on the last verification, the audit log and the device registry");

  withDb(report.command("summary").description("visits by status, reasons by code, providers flagged for audit")).action((opts: ReportOptions) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
    try {
      const summary = statusSummary(stores.db);
      write(opts, summary, summary.text);
    } finally {
      stores.close();
    }
  });

  withDb(report.command("visits").description("each visit with its status, units and reasons in words"))
    .option("--status <status>", `only this status: ${visitStatus.options.join(", ")}`)
    .option("--limit <n>", "at most this many visits", "100")
    .action((opts: ReportOptions) => {
      if (opts.status !== undefined && !visitStatus.safeParse(opts.status).success)
        throw new CliError(`--status must be one of ${visitStatus.options.join(", ")}`, EXIT_USAGE);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError("--limit must be a positive whole number", EXIT_USAGE);
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
      try {
        const visits = visitReport(stores.db, opts.status as VisitStatus | undefined, limit);
        write(opts, visits.rows, visits.text);
      } finally {
        stores.close();
      }
    });

  const audit = withDb(
    report
      .command("audit")
      .description(
        `check the audit log (hash chain and the keystore's seals), that the readings table holds what the imports and the intake service stored, and that the visits table says what the log says the last run decided (exit ${EXIT_FAILURE} when any fails); needs the keystore passphrase`,
      ),
  );
  for (const option of verifierStoreOptions()) if (option.long !== "--db") audit.addOption(option);
  audit.option(
    "--seal-unsealed",
    "first seal a log whose last entries carry no seal (written before sealing, or by a tool without the keystore): appends one sealed audit.adopted entry vouching for them; only after checking them, and only when the chain links",
  );
  audit.action((opts: ReportOptions & { keystore: string; passphraseFile?: string; sealUnsealed?: boolean }) => {
    const stores = openVerifierStores(opts, { needKeystore: true, readOnly: !opts.sealUnsealed });
    try {
      if (opts.sealUnsealed) process.stdout.write(sealUnsealed(stores.db, stores.auditKey!) + "\n");
      const check = verifyAuditChain(stores.db, stores.auditKey!);
      const progress = createProgress(!opts.json);
      let visits: VisitsAuditCheck;
      let readings: ReadingsAuditCheck;
      try {
        readings = checkReadingsAgainstAudit(stores.db, (done, total) => progress.update(done, total, "readings against the log"));
        visits = checkVisitsAgainstAudit(stores.db, (done, total) => progress.update(done, total, "visits against the log"));
      } finally {
        progress.stop();
      }
      const lines = [
        check.ok
          ? `audit log intact: ${check.rows} entries chained, ${check.sealed} sealed with this keystore` + (check.head ? `; head ${check.head.seq} ${check.head.hash}` : "")
          : `audit log BROKEN at entry ${check.brokenAtSeq}: ${check.problem}`,
      ];
      if (readings.ok)
        lines.push(`readings table agrees with the imports and intake batches: ${readings.matched} readings as stored` + (readings.unpinned ? ` (${readings.unpinned} from imports before per-reading digests, not checkable)` : ""));
      else lines.push(`readings table DISAGREES with the imports and intake batches:`, ...readings.problems.map((p) => `  ${p}`));
      if (visits.runId === null) lines.push("no verification run yet");
      else if (visits.ok) lines.push(`visits table agrees with the log: ${visits.visits} visits of ${runsInWords(visits.runs)}, each as its logged decision`);
      else lines.push(`visits table DISAGREES with the log for ${runsInWords(visits.runs)}:`, ...visits.problems.map((p) => `  ${p}`));
      const ok = check.ok && readings.ok && visits.ok;
      write(opts, { ok, chain: check, readings, visits }, lines.join("\n") + "\n");
      if (!ok) process.exitCode = EXIT_FAILURE;
    } finally {
      stores.close();
    }
  });

  withDb(report.command("usage").description("each provider's EVV usage score: the share of its visits proven by the device, not recorded or corrected by hand")).action((opts: ReportOptions) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
    try {
      const usage = evvUsageReport(stores.db);
      write(opts, usage.rows, usage.text);
    } finally {
      stores.close();
    }
  });

  withDb(report.command("devices").description("registered devices: key version, location, retirement, clock drift")).action((opts: ReportOptions) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
    try {
      const devices = deviceReport(stores.registry, stores.db);
      write(opts, devices.rows, devices.text);
    } finally {
      stores.close();
    }
  });

  withDb(report.command("timeline").description("an HTML page: each client's visits on a 24-hour timeline per local day, with presence and reasons"))
    .requiredOption("--out <file>", "the HTML file to write (atomically)")
    .action((opts: ReportOptions & { out: string }) => {
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false, readOnly: true });
      try {
        writeFileAtomic(opts.out, visitTimelineHtml(stores.db, new Date()), 0o644);
        process.stdout.write(`wrote the visit timeline to ${opts.out}\n`);
      } finally {
        stores.close();
      }
    });
}

/** `--seal-unsealed`: appends a sealed `audit.adopted` entry when the chain links and its last entry is not sealed. */
function sealUnsealed(db: EvvDatabase, key: Uint8Array): string {
  const sealed = verifyAuditChain(db, key);
  if (sealed.ok) return "audit log: the last entry is sealed already; nothing to adopt";
  const linked = verifyAuditChain(db);
  if (!linked.ok || !sealed.head) throw new CliError(`audit log BROKEN at entry ${linked.brokenAtSeq ?? sealed.brokenAtSeq}: ${linked.problem ?? sealed.problem}; nothing sealed`, EXIT_FAILURE);
  new AuditAppender(db).adoptUnsealed({ adoptedThroughSeq: sealed.head.seq, adoptedHead: sealed.head.hash, at: new Date().toISOString() });
  return `audit log: entries up to ${sealed.head.seq} adopted and sealed (audit.adopted)`;
}

/** "run 4", or "runs 4 to 9" (the last full run and the incremental runs after it). */
function runsInWords(runs: readonly number[]): string {
  return runs.length === 1 ? `run ${runs[0]}` : `runs ${runs[0]} to ${runs[runs.length - 1]} (a full run and the incremental runs after it)`;
}
