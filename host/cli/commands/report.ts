// `evv report summary|visits|audit|devices`: what the last verification decided, in words.
import type { Command } from "commander";
import { CliError, EXIT_FAILURE, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions } from "../verifierStores.js";
import { verifyAuditChain } from "../../storage/auditLog.js";
import { checkVisitsAgainstAudit, type VisitsAuditCheck } from "../../report/visitsAgainstAudit.js";
import { createProgress } from "../../report/progressBar.js";
import { statusSummary, visitReport } from "../../report/visitReport.js";
import { deviceReport } from "../../report/deviceReport.js";
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
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
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
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
      try {
        const visits = visitReport(stores.db, opts.status as VisitStatus | undefined, limit);
        write(opts, visits.rows, visits.text);
      } finally {
        stores.close();
      }
    });

  withDb(
    report
      .command("audit")
      .description(`check the audit log's hash chain, and that the visits table says what the log says the last run decided (exit ${EXIT_FAILURE} when either fails)`),
  ).action((opts: ReportOptions) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
    try {
      const check = verifyAuditChain(stores.db);
      const progress = createProgress(!opts.json);
      let visits: VisitsAuditCheck;
      try {
        visits = checkVisitsAgainstAudit(stores.db, (done, total) => progress.update(done, total, "visits against the log"));
      } finally {
        progress.stop();
      }
      const lines = [check.ok ? `audit log intact: ${check.rows} entries chained` : `audit log BROKEN at entry ${check.brokenAtSeq}: ${check.problem}`];
      if (visits.runId === null) lines.push("no verification run yet");
      else if (visits.ok) lines.push(`visits table agrees with the log: ${visits.visits} visits of run ${visits.runId}, each as its logged decision`);
      else lines.push(`visits table DISAGREES with the log for run ${visits.runId}:`, ...visits.problems.map((p) => `  ${p}`));
      write(opts, { ok: check.ok && visits.ok, chain: check, visits }, lines.join("\n") + "\n");
      if (!check.ok || !visits.ok) process.exitCode = EXIT_FAILURE;
    } finally {
      stores.close();
    }
  });

  withDb(report.command("devices").description("registered devices: key version, location, retirement, clock drift")).action((opts: ReportOptions) => {
    const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
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
      const stores = openVerifierStores({ db: opts.db, keystore: "" }, { needKeystore: false });
      try {
        writeFileAtomic(opts.out, visitTimelineHtml(stores.db, new Date()), 0o644);
        process.stdout.write(`wrote the visit timeline to ${opts.out}\n`);
      } finally {
        stores.close();
      }
    });
}
