// `evv serve` on a disk that fills up, with real processes: the database on a small tmpfs in a
// private mount namespace (`unshare`, no privileges needed, nothing left mounted), filled and
// emptied again by a helper in that namespace when the test touches a file outside it.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "undici";
import { Keystore } from "../../host/keystore/keystore.js";
import { CHEAP_SCRYPT, TEST_PASSPHRASE } from "../host/fixtures/visitWorld.js";
import { killIfRunning, startServe, type ServeProcess } from "./serveProcess.js";
import { signedSubmissions, type SignedBody } from "./signedLoad.js";

let dir = "";
let serve: ServeProcess | null = null;
afterEach(async () => {
  await killIfRunning(serve);
  serve = null;
  rmSync(dir, { recursive: true, force: true });
});

const quoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** Waits up to 20 s for `done` to hold. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`${what}: not within 20 s`);
}

describe("evv serve when its disk is full", () => {
  it("answers 503 saying the disk is full and stores nothing of that reading, keeps running, and takes it once there is room", async () => {
    dir = mkdtempSync(join(tmpdir(), "evv-intake-full-"));
    const made = join(dir, "evv.db");
    const [readings] = signedSubmissions(made, 1, 400);
    const keystorePath = join(dir, "keys.json");
    Keystore.create(keystorePath, TEST_PASSPHRASE, CHEAP_SCRYPT);
    const disk = join(dir, "disk");
    const [fill, filled, free, freed] = ["fill", "filled", "free", "freed"].map((name) => join(dir, name));
    const size = Math.ceil(statSync(made).size / 4096) * 4096 + 4 * 1024 * 1024;
    // The helper fills the tmpfs when `fill` appears and empties it when `free` does (each wait gives up after a minute).
    const wait = (path: string) => `i=0; while [ ! -e ${path} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`;
    const helper = `(${wait(fill)}; dd if=/dev/zero of=${disk}/filler bs=64k || true; touch ${filled}; ${wait(free)}; rm -f ${disk}/filler; touch ${freed}) >/dev/null 2>&1 &`;
    const setUp = `set -e; mkdir ${disk}; mount -t tmpfs -o size=${size} tmpfs ${disk}; cp ${made} ${disk}/; ${helper}`;
    const args = ["--host", "127.0.0.1", "--port", "0", "--plain-http", "--db", join(disk, "evv.db"), "--credentials", join(dir, "credentials.json")];
    serve = await startServe(args, { EVV_KEYSTORE: keystorePath, EVV_PASSPHRASE: TEST_PASSPHRASE }, 30_000, [], (commandLine) => [
      "unshare",
      "--user",
      "--map-root-user",
      "--mount",
      "sh",
      "-c",
      `${setUp} exec ${commandLine.map(quoted).join(" ")}`,
    ]);
    const client = new Client(serve.url);
    const send = async (reading: SignedBody) => {
      const answer = await client.request({ path: "/v1/readings", method: "POST", body: reading.body, headers: { "content-type": "application/json" } });
      return { status: answer.statusCode, body: (await answer.body.json()) as { stored?: boolean; error?: string } };
    };
    try {
      let next = 0;
      for (; next < 20; next++) expect((await send(readings[next])).status).toBe(201);

      writeFileSync(fill, "");
      await until(`${filled} appears`, () => existsSync(filled));
      // What the WAL already holds goes on taking commits for a while; then one finds no room.
      const acknowledged = readings.slice(0, 20);
      let refused: { status: number; body: { error?: string } } | null = null;
      for (; next < readings.length && refused === null; next++) {
        const answer = await send(readings[next]);
        if (answer.status === 201) acknowledged.push(readings[next]);
        else refused = answer;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.body.error).toContain("storage unavailable: the disk is full");
      // (The one after may find room again: the space of a failed commit is the WAL's to reuse.)
      const notStored = readings.slice(acknowledged.length, next);
      expect(notStored).toHaveLength(1);
      const health = await client.request({ path: "/health", method: "GET" });
      await health.body.text();
      expect(health.statusCode).toBe(200);
      // The service's log says so (its lines arrive on their own time).
      await until("the warning in the log", () => serve!.log.some((line) => line.includes("readings not stored: storage unavailable: the disk is full")));

      writeFileSync(free, "");
      await until(`${freed} appears`, () => existsSync(freed));
      // Sent again, as a reader's queue does: the refused ones are stored now, and every acknowledged one was kept (stored before: 200).
      for (const reading of notStored) expect(await send(reading)).toMatchObject({ status: 201, body: { stored: true } });
      for (const reading of acknowledged) expect(await send(reading)).toMatchObject({ status: 200, body: { stored: false } });
      expect((await send(readings[next])).status).toBe(201);
    } finally {
      await client.close();
    }
    expect(await serve.stop()).toBe(0);
  });
});
