import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * The suites that exercise storage, verification and the CLI run a second time against a real
 * PostgreSQL server (project `postgres`: EVV_TEST_ENGINE=postgres, a throwaway server started by
 * test/postgres/globalSetup.ts, a database per test).
 */
/** The suites that only make sense on PostgreSQL: they run in the `postgres` project alone. */
const POSTGRES_ONLY = [
  "test/host/postgresEngine.test.ts",
  "test/host/postgresPartitions.test.ts",
  "test/host/postgresReadingBatches.test.ts",
  "test/host/postgresCopy.test.ts",
  "test/host/postgresIntakeReconnect.test.ts",
];
const POSTGRES_SUITES = [
  ...POSTGRES_ONLY,
  "test/host/verifyRun.test.ts",
  "test/host/northDakotaRules.test.ts",
  "test/host/caregiverRules.test.ts",
  "test/host/readingEvidence.test.ts",
  "test/host/receiptTime.test.ts",
  "test/host/manualVisits.test.ts",
  "test/host/visitsAgainstAudit.test.ts",
  "test/host/sandataConformance.test.ts",
  "test/host/caregiverClients.test.ts",
  "test/host/cliImportVerifyExport.test.ts",
  "test/host/auditLog.test.ts",
  "test/host/deviceRegistry.test.ts",
  "test/host/intakeService.test.ts",
  "test/host/hardening/concurrentVerify.test.ts",
  "test/host/hardening/auditTampering.test.ts",
];

/**
 * Test files run side by side in at least two worker processes. Vitest's own default is one fewer
 * than the cores, which on a 2-core machine (CI's) is one: the files then ran one after another
 * while the cores were busy 57% of the time, since most of the long files wait on processes they
 * start (the CLI, the service, Chromium, PostgreSQL). Measured on CI's 2-core machine, the whole
 * suite (112 files): 894 s with one worker, 546 s with two (README, "Set-up").
 */
const WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ["test/support/eventLoopStalls.ts"],
    projects: [
      { extends: true, test: { name: "sqlite", include: ["test/**/*.test.ts"], exclude: POSTGRES_ONLY } },
      { extends: true, test: { name: "postgres", include: POSTGRES_SUITES, env: { EVV_TEST_ENGINE: "postgres" }, globalSetup: ["test/postgres/globalSetup.ts"] } },
    ],
  },
});
