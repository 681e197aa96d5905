// `evv verify`: judges the stored readings, pairs visits, applies the ND rules, and records the
// decisions (one transaction; every decision goes into the hash-chained audit log). After the
// first run only what changed is re-verified (host/verifier/README.md); `--full` re-verifies all.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { CliError, EXIT_BAD_INPUT, EXIT_REJECTED, EXIT_USAGE } from "../cliError.js";
import { openVerifierStores, verifierStoreOptions, type VerifierStoreOptions } from "../verifierStores.js";
import { verifierSettings, type VerifierSettings } from "../../verifier/settings.js";
import { runVerification, type VerifyRunSummary } from "../../verifier/verifyRun.js";
import { describeIssue } from "../../domain/inputFile.js";
import { describeJsonSyntaxProblem } from "../../domain/jsonSyntaxProblem.js";
import { createProgress } from "../../report/progressBar.js";

interface VerifyOptions extends VerifierStoreOptions {
  settings?: string;
  json?: boolean;
  strict?: boolean;
  workers?: string;
  full?: boolean;
}

const workersOption = z.coerce.number().int().min(0).max(64);

export function registerVerifyCommand(program: Command): void {
  const command = program
    .command("verify")
    .description(
      "verify the stored readings into visits with statuses, billable units and reason codes: the first run, and a run after a settings or rules change, " +
        "verifies every reading; later runs re-verify only the provider–client groups that new readings or changed records (clients, providers, caregivers, " +
        "authorizations, stays, devices, assignments, clock history, readers, manual entries, throttle resets) can affect, and keep the other visits; " +
        "a group that only new readings touch is re-verified from the local Monday midnight before its earliest new reading, its visits before that kept",
    )
    .option("--full", "re-verify every reading and replace every visit, whatever changed")
    .option("--settings <file>", "JSON settings (lateEntryLimitHours, driftToleranceSeconds, fastAllowanceSteps, typedFailuresPerHour, typedFailuresPerDay, typedFailuresInAll, maxVisitHours)")
    .option("--workers <n>", "worker threads that verify beside this thread, which writes and verifies too (0: all in one thread; default: one fewer than cores, for runs of 50,000 readings or more)")
    .option("--strict", `exit ${EXIT_REJECTED} when any visit the run verified is rejected or needs review`)
    .option("--json", "print the summary as JSON");
  for (const option of verifierStoreOptions()) command.addOption(option);
  command.action((opts: VerifyOptions) => {
    const settings = loadSettings(opts.settings);
    const workers = opts.workers === undefined ? undefined : workersOption.safeParse(opts.workers);
    if (workers && !workers.success) throw new CliError(`--workers: expected a whole number from 0 to 64, got ${JSON.stringify(opts.workers)}`, EXIT_USAGE);
    const stores = openVerifierStores(opts, { needKeystore: true });
    const progress = createProgress(!opts.json);
    try {
      const summary = runVerification(stores.db, stores.keystore!, settings, {
        onProgress: (phase, done, total) => progress.update(done, total, phase),
        workers: workers?.data,
        full: opts.full === true,
      });
      progress.stop();
      if (opts.json) process.stdout.write(JSON.stringify({ ...summary, settings }, null, 2) + "\n");
      else {
        const s = summary.byStatus;
        process.stdout.write(
          `run ${summary.runId} (${runScope(summary)}): ${summary.readings} readings → ${summary.visits} visits: ${s.verified} verified, ${s["verified-with-flags"]} verified with flags, ` +
            `${s["needs-review"]} need review, ${s.rejected} rejected; ${summary.units} billable units; ${summary.storedVisits} visits stored\n` +
            summary.auditWeeks.map((w) => `audit: caregiver ${w.caregiverId} of provider ${w.providerNumber} has ${(w.minutes / 60).toFixed(1)} h in the week of ${w.weekOf}\n`).join("") +
            `audit log head ${summary.auditHead}\n`,
        );
      }
      if (opts.strict && (summary.byStatus.rejected > 0 || summary.byStatus["needs-review"] > 0))
        throw new CliError(`${summary.byStatus.rejected} rejected and ${summary.byStatus["needs-review"]} needing review`, EXIT_REJECTED);
    } finally {
      progress.stop();
      stores.close();
    }
  });
}

/** What the run covered, in words. */
function runScope(summary: VerifyRunSummary): string {
  if (summary.mode === "full") return `full: ${summary.fullBecause}`;
  return (
    `incremental: ${summary.newReadings} new readings and ${summary.changedInputs} changed records since the last run; ` +
    `re-verified ${summary.components} provider–client group${summary.components === 1 ? "" : "s"}` +
    (summary.windowedComponents > 0 ? ` (${summary.windowedComponents} from a week's Monday on)` : "") +
    `, replacing ${summary.replacedVisits} visits`
  );
}

function loadSettings(file: string | undefined): VerifierSettings {
  if (!file) return verifierSettings.parse({});
  let text: string;
  let raw: unknown;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`--settings ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, EXIT_BAD_INPUT);
  }
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--settings ${describeJsonSyntaxProblem(file, text, error as Error)}`, EXIT_BAD_INPUT);
  }
  const parsed = verifierSettings.strict().safeParse(raw);
  if (!parsed.success) throw new CliError(parsed.error.issues.map((i) => describeIssue(file, i)).join("\n"), EXIT_BAD_INPUT);
  return parsed.data;
}
