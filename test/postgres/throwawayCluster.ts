// A throwaway PostgreSQL server for the tests and the bench: Debian's `postgresql` binaries,
// `initdb` into a fresh temporary directory, `pg_ctl start` on a free loopback port with trust
// authentication for 127.0.0.1 only, stopped and removed by `stop()`. As root (CI), initdb and the
// server run as the `postgres` user (initdb refuses root) and the directory is made theirs.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ThrowawayCluster {
  /** The server's admin URL (user postgres, database postgres). */
  url: string;
  port: number;
  dataDir: string;
  stop(): void;
}

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest installed server's bin directory; throws saying what to install when there is none. */
export function postgresBinDir(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((v) => existsSync(join(POSTGRES_ROOT, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`no PostgreSQL server binaries under ${POSTGRES_ROOT}/<version>/bin: install Debian's postgresql package (apt-get install postgresql; .ci/run does) to run the PostgreSQL tests and bench`);
  return join(POSTGRES_ROOT, versions[0], "bin");
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ClusterSettings {
  /** Durability off (fsync, synchronous commit, full-page writes): for the tests, never for measuring. */
  fast?: boolean;
  /** More server settings, `name=value` each (the bench's memory and WAL sizes). */
  settings?: string[];
}

export async function startThrowawayCluster(settings: ClusterSettings = {}): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  const root = mkdtempSync(join(tmpdir(), "evv-postgres-"));
  const dataDir = join(root, "data");
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    return execFileSync(command, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: root });
  };
  run("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  // Trust for TCP from 127.0.0.1 only; no Unix socket lines, no other hosts.
  writeFileSync(join(dataDir, "pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
  if (asRoot) chownSync(join(dataDir, "pg_hba.conf"), uid, gid);
  const port = await freeLoopbackPort();
  const options = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${root}`, "-c max_connections=200"];
  if (settings.fast) options.push("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
  for (const setting of settings.settings ?? []) options.push(`-c ${setting}`);
  run("pg_ctl", ["start", "-D", dataDir, "-w", "-t", "60", "-l", join(root, "server.log"), "-o", options.join(" ")]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w"]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
