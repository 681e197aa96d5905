// The intake service's thread (started by serveThreadRunner.ts, the `evv serve` command): opens the
// keystore for the audit seal key, reads or makes the TLS certificate, builds the service, listens,
// logs "intake service ready", and stops gracefully when the command's thread passes on SIGTERM or
// SIGINT; SIGHUP reloads the credentials file. Ends by posting its outcome: stopped, or the failure
// with the exit code `evv` gives it (the command's thread reports it).
import { parentPort, workerData } from "node:worker_threads";
import { isPostgresLocation } from "../storage/sqlDatabase.js";
import { serverOf } from "../storage/postgres/postgresLocation.js";
import { CliError, cliFailure, EXIT_BAD_INPUT } from "./cliError.js";
import { readAuditSealKey } from "./verifierStores.js";
import { buildIntakeService } from "../service/intakeService.js";
import { readTlsFiles, selfSignedTls, type TlsFiles } from "../service/tlsFiles.js";
import type { ServeOptions } from "./commands/serve.js";
import type { ServeThreadCommand, ServeThreadOutcome } from "./serveThreadRunner.js";

const port = parentPort!;

async function runServe(o: ServeOptions): Promise<void> {
  // Before anything else: without the seal key every entry the service wrote would be unsealed, and
  // every later sealed writer (evv import, evv verify, ...) would refuse the log.
  let auditSealKey: Uint8Array;
  try {
    auditSealKey = readAuditSealKey({ keystore: o.keystore, passphraseFile: o.passphraseFile });
  } catch (error) {
    throw new CliError(`evv serve seals the audit log, so it needs the keystore: ${(error as Error).message}`, EXIT_BAD_INPUT);
  }
  try {
    await serveWith(o, auditSealKey);
  } finally {
    auditSealKey.fill(0);
  }
}

async function serveWith(o: ServeOptions, auditSealKey: Uint8Array): Promise<void> {
  let tls: TlsFiles | null = null;
  let selfSignedNote: string | null = null;
  try {
    if (o.tlsCert && o.tlsKey) tls = readTlsFiles(o.tlsKey, o.tlsCert);
    else if (o.selfSigned) {
      const made = await selfSignedTls(o.selfSigned, o.host === "0.0.0.0" || o.host === "::" ? ["localhost"] : [o.host, "localhost"]);
      tls = made;
      selfSignedNote = `${made.made ? "made" : "using"} a self-signed certificate ${made.certPath}; readers trust it with --service-ca ${made.certPath}`;
    }
  } catch (error) {
    throw new CliError(`TLS certificate: ${(error as Error).message}`, EXIT_BAD_INPUT);
  }
  let service;
  try {
    service = await buildIntakeService({
      dbPath: o.db,
      auditSealKey,
      tls,
      credentialsPath: o.credentials,
      limits: { perAddressPerMinute: o.ratePerAddress, perReaderPerMinute: o.ratePerReader, bodyBytes: o.bodyLimit },
      logger: { level: o.logLevel },
      maxWaitMs: o.maxWait,
    });
  } catch (error) {
    throw new CliError(`cannot start the service: ${(error as Error).message}`, EXIT_BAD_INPUT);
  }
  const { app } = service;
  if (selfSignedNote) app.log.warn(selfSignedNote);
  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const listening = typeof address === "object" && address ? address.port : o.port;
  // A signal that came while the service was starting was kept for now (the port holds messages until it is listened to).
  const stopped = new Promise<void>((resolve) => {
    port.on("message", (command: ServeThreadCommand) => {
      if ("reloadCredentials" in command) return service.reloadCredentials();
      app.log.info({ signal: command.stop }, "stopping: answering requests in flight and committing waiting readings");
      service
        .close()
        .then(() => resolve())
        .catch((error: Error) => {
          app.log.error({ err: error }, "stopping failed");
          resolve();
        });
    });
  });
  app.log.info({ url: `${tls ? "https" : "http"}://${o.host.includes(":") ? `[${o.host}]` : o.host}:${listening}`, db: isPostgresLocation(o.db) ? serverOf(o.db) : o.db }, "intake service ready");
  await stopped;
}

let outcome: ServeThreadOutcome;
try {
  await runServe(workerData as ServeOptions);
  outcome = { stopped: true };
} catch (error) {
  // As `evv` reports it (host/cli/runCli.ts); the command's thread prints it.
  outcome = { failed: cliFailure(error) };
}
port.postMessage(outcome);
port.close();
