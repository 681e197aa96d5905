// `evv keystore ...`: HHS master keys, encrypted at rest with a passphrase (file mode 0600).
import type { Command } from "commander";
import { Keystore } from "../../keystore/keystore.js";
import { readPassphrase } from "../../keystore/passphraseSource.js";
import { CliError, EXIT_BAD_INPUT } from "../cliError.js";
import { DEFAULT_KEYSTORE } from "../verifierStores.js";

interface KeystoreOptions {
  keystore: string;
  passphraseFile?: string;
  json?: boolean;
}

function keystoreCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option("--keystore <path>", "keystore file (env EVV_KEYSTORE)", process.env.EVV_KEYSTORE ?? DEFAULT_KEYSTORE)
    .option("--passphrase-file <path>", "file holding the passphrase, mode 0600 (preferred; EVV_PASSPHRASE also works but is readable in /proc/<pid>/environ); a new one needs 15+ characters")
    .option("--json", "print the result as JSON");
}

function run(action: (opts: KeystoreOptions) => { versions: number[]; currentVersion: number; message: string }) {
  return (opts: KeystoreOptions) => {
    let result;
    try {
      result = action(opts);
    } catch (error) {
      throw new CliError((error as Error).message, EXIT_BAD_INPUT);
    }
    process.stdout.write((opts.json ? JSON.stringify({ keystore: opts.keystore, versions: result.versions, currentVersion: result.currentVersion }, null, 2) : result.message) + "\n");
  };
}

export function registerKeystoreCommands(program: Command): void {
  const keystore = program.command("keystore").description("HHS master keys: create, rotate, list versions (never prints a key)");

  keystoreCommand(keystore, "init", "create a keystore with a fresh random master key, version 1").action(
    run((opts) => {
      const store = Keystore.create(opts.keystore, readPassphrase(opts.passphraseFile));
      return { versions: store.versions(), currentVersion: store.currentVersion, message: `Created ${opts.keystore} with master key version 1.` };
    }),
  );

  keystoreCommand(keystore, "rotate", "add a fresh master key as the next version; new devices get it, old ones keep theirs").action(
    run((opts) => {
      const store = Keystore.open(opts.keystore, readPassphrase(opts.passphraseFile));
      const version = store.rotate();
      return { versions: store.versions(), currentVersion: version, message: `Master key version ${version} is now current.` };
    }),
  );

  keystoreCommand(keystore, "versions", "list the key versions the keystore holds").action(
    run((opts) => {
      const store = Keystore.open(opts.keystore, readPassphrase(opts.passphraseFile));
      return { versions: store.versions(), currentVersion: store.currentVersion, message: `Versions ${store.versions().join(", ")}; current ${store.currentVersion}.` };
    }),
  );
}
