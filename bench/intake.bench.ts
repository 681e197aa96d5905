// `npm run bench intake`: the intake service (`evv serve`, a child process, TLS with its
// self-signed certificate) on loopback, loaded by one connection per reader (readerConnection.ts, undici Clients:
// one TLS connection each, one request at a time on it, as a reader's own device would send):
// BENCH_INTAKE_READERS (1,000) enrolled readers submit BENCH_INTAKE_READINGS (30,000) signed
// readings. Acknowledged means committed with the WAL fsync'd.
// Reference, measured in the same run on the same disk: the raw rate of durable inserts, one
// reading per transaction (synchronous = FULL), as a service without group commit would store.
// And the transport alone (transportFloor.ts): the same readers and requests against a bare
// node:https server that only parses and answers, the floor under the service's CPU a reading.
// Two runs: saturated (a closed loop: a reader sends its next reading when the last is
// acknowledged), for the rate; and open (readings arrive on a schedule at BENCH_INTAKE_RATE,
// 5,000 a second, answered or not), for p50/p99 latency at that rate: in a closed loop of 1,000
// readers the latency is only 1,000 / rate (Little's law), whatever the service does.
// BENCH_INTAKE_SERVE_NODE_ARGS passes node options to the service (e.g. "--cpu-prof").
// BENCH_INTAKE_STORED (0) readings are stored before the service starts, spread over a year and
// a state's pairs, so that the run sees a full database's indexes (each reading then writes
// index pages of its own); BENCH_INTAKE_PAGE_SIZE makes the new database with that page size
// instead of the database's own (16 KiB, host/storage/database.ts).
// Figures only; nothing here fails on a time, except a step that stalls: after
// BENCH_INTAKE_STEP_SECONDS (120) the bench ends with an error naming the step (progress on stderr).
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { randomUUID, createPrivateKey, generateKeyPairSync, sign, verify } from "node:crypto";
import Database from "better-sqlite3";
import { Agent, fetch } from "undici";
import { openDatabase } from "../host/storage/database.js";
import { Keystore } from "../host/keystore/keystore.js";
import { ReadingStore } from "../host/storage/readingStore.js";
import { newReaderKeyPair } from "../host/reader/readerKeyFile.js";
import { signedBytes, type SignedSubmission } from "../host/capture/signedSubmission.js";
import type { Reading } from "../host/capture/reading.js";
import { startServe } from "../test/e2e/serveProcess.js";
import { ReaderConnection, type PreparedPost } from "./readerConnection.js";
import { busiestThreads, bytesWrittenBy, cpuSecondsOf, threadCpuSecondsOf } from "./processCpu.js";
import { measureTransportFloor } from "./transportFloor.js";
import { selfSignedTls } from "../host/service/tlsFiles.js";
import { aboveZero, benchNumber, count, optionalBenchNumber, positive, sqlitePageSize } from "./benchSetting.js";

const READERS = benchNumber("BENCH_INTAKE_READERS", 1000, positive);
const READINGS = benchNumber("BENCH_INTAKE_READINGS", 30_000, positive);
const RAW_SECONDS = benchNumber("BENCH_INTAKE_RAW_SECONDS", 3, aboveZero);
/** BENCH_INTAKE_PLAIN=1: plain HTTP on loopback instead of TLS (to see what TLS costs). */
const PLAIN = process.env.BENCH_INTAKE_PLAIN === "1";
const GOAL_PER_SECOND = 5000;
/** Readings a second offered in the latency run (BENCH_INTAKE_RATE; default the goal). */
const RATE = benchNumber("BENCH_INTAKE_RATE", GOAL_PER_SECOND, aboveZero);
const GOAL_P99_MS = 50;
/** The longest any step may take (starting the service, connecting, each run) before the bench fails saying which. */
const STEP_SECONDS = benchNumber("BENCH_INTAKE_STEP_SECONDS", 120, aboveZero);
/** Readings in the database before the service starts (BENCH_INTAKE_STORED). */
const STORED = benchNumber("BENCH_INTAKE_STORED", 0, count);
/** The new database's page size in bytes (BENCH_INTAKE_PAGE_SIZE; default the database's own). */
const PAGE_SIZE = optionalBenchNumber("BENCH_INTAKE_PAGE_SIZE", sqlitePageSize);

/** Where the bench is, on stderr (the figures go to stdout): a stall shows where it is. */
const progress = (what: string) => process.stderr.write(`  intake bench: ${what}\n`);

function typedReading(readerId: string, at: number, i: number): Reading {
  return {
    readingId: randomUUID(),
    readerId,
    providerNumber: "P1",
    clientNdNumber: `C${i % 500}`,
    event: i % 2 === 0 ? "check-in" : "check-out",
    readerTime: new Date(at).toISOString(),
    method: "typed",
    transport: "keyboard",
    typedCode: String(100_000_000_000 + ((i * 7919) % 899_999_999_999)).slice(0, 12),
  };
}

/**
 * Stores `count` readings received over the past year, as a state's database holds them: 8,000
 * clients of 300 providers, 20,000 readers, random reading IDs. Not durable one by one (it is
 * the set-up, not what is measured): transactions of 50,000, checkpointed at the end.
 */
function storeEarlierReadings(path: string, count: number): void {
  const db = openDatabase(path);
  db.pragma("synchronous = OFF");
  const store = new ReadingStore(db);
  const year = 365 * 24 * 3600 * 1000;
  const from = Date.now() - year - 3600 * 1000;
  const batch = db.transaction((first: number, end: number) => {
    for (let i = first; i < end; i++) {
      const client = i % 8000;
      const at = from + Math.floor((i / count) * year);
      const r: Reading = { ...typedReading(`rdr-earlier-${i % 20_000}`, at, i), providerNumber: `P${2 + (client % 300)}`, clientNdNumber: `E${client}` };
      store.store(r, at, i + 1);
    }
  });
  for (let first = 0; first < count; first += 50_000) batch(first, Math.min(count, first + 50_000));
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** One durable transaction per reading for `seconds`: readings a second. */
function rawDurableInserts(path: string, seconds: number): number {
  const db = openDatabase(path);
  db.pragma("synchronous = FULL");
  const store = new ReadingStore(db);
  const one = db.transaction((r: Reading, seq: number) => store.store(r, Date.now(), seq));
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) one(typedReading("raw", Date.now(), n), ++n);
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  return rate;
}

/**
 * The machine's speed now, as a reference printed beside the run's figures: P-256 signature
 * checks a second on one thread (node's crypto.verify, the check the service makes for every
 * reading) for `seconds`. This machine's speed varies from hour to hour (its host is shared):
 * the same tree has cost the service 220 to 420 µs a reading in one morning, and this figure
 * moved with it (16,000 to 12,000 a second).
 */
function referenceP256ChecksPerSecond(seconds: number): number {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const data = Buffer.from("a reading's canonical JSON, about this long: " + "x".repeat(400));
  const signature = sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) if (!verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature)) throw new Error("the reference signature did not verify");
    n += 50;
  }
  return n / ((performance.now() - t0) / 1000);
}

/**
 * This process's garbage-collection pauses from now until stop(): how many, their sum and the
 * longest (ms). Only those that began from now on: node reports a collection a moment after it
 * ends, so one just before (the bench's own gc() call) would otherwise be counted.
 */
function clientGcPauses(): { stop: () => { count: number; totalMs: number; longestMs: number } } {
  const from = performance.now();
  const pauses = { count: 0, totalMs: 0, longestMs: 0 };
  const add = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      if (entry.startTime < from) continue;
      pauses.count++;
      pauses.totalMs += entry.duration;
      pauses.longestMs = Math.max(pauses.longestMs, entry.duration);
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  return {
    stop: () => {
      add(observer.takeRecords());
      observer.disconnect();
      return pauses;
    },
  };
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export default async function bench(): Promise<void> {
  if (READINGS < 3 * READERS) {
    throw new Error(`BENCH_INTAKE_READINGS (${READINGS}) must be at least 3 a reader (BENCH_INTAKE_READERS ${READERS}): each reader's warm-up, saturated run and latency run need one each`);
  }
  const dir = mkdtempSync(join(tmpdir(), "evv-intake-bench-"));
  try {
    const dbPath = join(dir, "evv.db");
    if (PAGE_SIZE !== undefined) {
      // The page size is fixed when the first page is written (here, by WAL mode); openDatabase keeps it.
      const created = new Database(dbPath);
      created.pragma(`page_size = ${PAGE_SIZE}`);
      created.pragma("journal_mode = WAL");
      created.close();
    }
    if (STORED > 0) {
      progress(`storing ${STORED} earlier readings`);
      storeEarlierReadings(dbPath, STORED);
    }
    // Enrolled readers, straight into the table (enrollment is not what is measured).
    progress(`enrolling ${READERS} readers and signing ${READINGS} readings`);
    const db = openDatabase(dbPath);
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const keys: { id: string; key: ReturnType<typeof createPrivateKey> }[] = [];
    const insertReader = db.prepare("INSERT INTO readers (reader_id, provider_number, caregiver_id, kind, public_key, enrolled_ms) VALUES (?, 'P1', ?, 'cli', ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < READERS; i++) {
        const pair = newReaderKeyPair();
        const id = `rdr-bench-${i}`;
        insertReader.run(id, `cg-${i}`, JSON.stringify(pair.publicKey), Date.now());
        keys.push({ id, key: createPrivateKey(pair.privateKeyPem) });
      }
    })();
    db.close();
    // Every submission signed before the clock starts (signing is the readers' work).
    const perReader = Math.ceil(READINGS / READERS);
    const bodies: string[][] = keys.map(({ id, key }, r) => {
      const list: string[] = [];
      for (let c = 1; c <= perReader; c++) {
        const unsigned = { reader: id, counter: c, reading: typedReading(id, Date.now() - 60_000, r * perReader + c) };
        const signature = sign("sha256", signedBytes(unsigned), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
        list.push(JSON.stringify({ ...unsigned, signature } satisfies SignedSubmission));
      }
      return list;
    });

    progress(`raw durable inserts for ${RAW_SECONDS} s`);
    const raw = rawDurableInserts(join(dir, "raw.db"), RAW_SECONDS);
    const p256 = referenceP256ChecksPerSecond(1);

    const tlsDir = join(dir, "tls");
    // The service's self-signed certificate, made here so that the transport reference uses it too (`evv serve --self-signed` finds it made).
    const tls = PLAIN ? null : await selfSignedTls(tlsDir);
    const ca = tls?.cert;
    // Every request's bytes made before the clock starts, as its reading was signed before it.
    const requests = bodies.map((list) => list.map((body) => ReaderConnection.request("/v1/readings", body)));
    const half = Math.floor((perReader - 1) / 2);
    progress("transport reference: a bare node:https server, the same readers and requests");
    const floor = await measureTransportFloor(
      requests.map((list) => list.slice(0, half + 1)),
      tls ? { keyPath: join(tlsDir, "key.pem"), certPath: tls.certPath, ca: tls.cert } : null,
      STEP_SECONDS * 1000,
    );
    // The service seals its audit entries (one per batch) with the keystore's key, as in production.
    const passphrase = "intake bench keystore passphrase";
    Keystore.create(join(dir, "keys.json"), passphrase);
    progress("starting evv serve");
    const serve = await startServe(
      ["--host", "127.0.0.1", "--port", "0", ...(PLAIN ? ["--plain-http"] : ["--self-signed", tlsDir]), "--db", dbPath, "--credentials", join(dir, "credentials.json"), "--rate-per-address", "10000000", "--rate-per-reader", "100000"],
      { EVV_KEYSTORE: join(dir, "keys.json"), EVV_PASSPHRASE: passphrase },
      STEP_SECONDS * 1000,
      process.env.BENCH_INTAKE_SERVE_NODE_ARGS?.split(" ").filter(Boolean) ?? [],
    );
    // Each reader its own connection (readerConnection.ts), one request at a time on it.
    const readers = keys.map(() => new ReaderConnection({ url: serve.url, ca }));
    const post = (reader: number, request: PreparedPost) => readers[reader].send(request);
    /** A step that does not finish in time ends the bench with an error naming it (and what the service logged), instead of hanging. */
    const step = async <T>(name: string, work: Promise<T>): Promise<T> => {
      progress(name);
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`intake bench: ${name} did not finish within ${STEP_SECONDS} s (BENCH_INTAKE_STEP_SECONDS); the service's last log lines:\n${serve.log.slice(-5).join("\n")}`)), STEP_SECONDS * 1000);
      });
      try {
        return await Promise.race([work, stalled]);
      } finally {
        clearTimeout(timer);
      }
    };
    let failed = true;
    try {
      await step(`connecting ${READERS} readers`, Promise.all(readers.map((r) => r.connected())));
      // Warm-up: the JIT, with every reader's first reading.
      await step("warm-up", Promise.all(requests.map((list, reader) => post(reader, list[0]))));
      let refused = 0;

      // 1. Saturation: every reader sends its next reading as soon as the last is acknowledged.
      let done = 0;
      const serviceCpu0 = cpuSecondsOf(serve.child.pid!);
      const written0 = bytesWrittenBy(serve.child.pid!);
      const threads0 = threadCpuSecondsOf(serve.child.pid!);
      const clientCpu0 = process.cpuUsage();
      const t0 = performance.now();
      await step(
        "saturated run",
        Promise.all(
          requests.map(async (list, reader) => {
            for (let c = 1; c <= half; c++) {
              if ((await post(reader, list[c])) !== 201) refused++;
              done++;
            }
          }),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      const serviceCpu = cpuSecondsOf(serve.child.pid!) - serviceCpu0;
      const written = bytesWrittenBy(serve.child.pid!) - written0;
      const serviceThreads = busiestThreads(threads0, threadCpuSecondsOf(serve.child.pid!), done);
      const clientCpuUsage = process.cpuUsage(clientCpu0);
      const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
      const rate = done / seconds;

      // 2. Latency at the goal's rate: readings arrive on a schedule (RATE a second in all, spread
      // over the readers, each sending its own in turn) whether or not earlier ones were answered;
      // each latency counts from its scheduled time, so waiting in a queue is counted too.
      const scheduled: PreparedPost[] = [];
      for (let c = half + 1; c < perReader; c++) for (const list of requests) scheduled.push(list[c]);
      const latencies = new Float64Array(scheduled.length);
      let answered = 0;
      // The load generator starts the run with its heap collected (npm run bench gives node
      // --expose-gc), so that a full collection of what the saturated run left does not fall in it.
      (globalThis as { gc?: () => void }).gc?.();
      const clientGc = clientGcPauses();
      const t1 = performance.now();
      const scheduledRun = new Promise<void>((resolve, reject) => {
        let next = 0;
        const tick = () => {
          const due = Math.min(scheduled.length, Math.floor(((performance.now() - t1) / 1000) * RATE) + 1);
          for (; next < due; next++) {
            const i = next;
            const at = t1 + (i / RATE) * 1000;
            post(i % READERS, scheduled[i]).then((status) => {
              latencies[i] = performance.now() - at;
              if (status !== 201) refused++;
              if (++answered === scheduled.length) resolve();
            }, reject);
          }
          if (next < scheduled.length) setTimeout(tick, 1);
        };
        tick();
      });
      await step(`run at ${RATE}/s`, scheduledRun);
      const openSeconds = (performance.now() - t1) / 1000;
      const clientPauses = clientGc.stop();
      const healthAgent = new Agent({ connect: { ca } });
      const health = (await step("health", (await fetch(`${serve.url}/health`, { dispatcher: healthAgent })).json()).finally(() => healthAgent.close())) as {
        batches: number;
        committed: number;
        commitMs: Record<"p50" | "p99" | "max", number>;
        eventLoopDelayMs: Record<"p50" | "p99" | "max", number>;
      };
      latencies.sort();
      console.log(`${READERS} concurrent readers (one ${PLAIN ? "plain HTTP" : "TLS"} connection each) on loopback; each reading acknowledged after its commit (synchronous = FULL)${refused ? `   (${refused} answers not 201!)` : ""}:`);
      console.log(`  the database: ${STORED.toLocaleString("en-US")} readings stored before the run (BENCH_INTAKE_STORED), ${pageSize}-byte pages`);
      console.log(`  saturated (${done} readings, each reader sending as soon as answered): ${Math.round(rate).toLocaleString("en-US")} readings/s acknowledged durably   goal ${GOAL_PER_SECOND.toLocaleString("en-US")}`);
      console.log(`  reference: raw durable inserts, one per transaction, ${Math.round(raw).toLocaleString("en-US")}/s (ratio ${(rate / raw).toFixed(1)})`);
      console.log(`  reference: this machine's speed now, P-256 checks on one thread, ${Math.round(p256).toLocaleString("en-US")}/s`);
      const serviceMicros = (serviceCpu / done) * 1e6;
      console.log(`  CPU: service ${serviceMicros.toFixed(0)} µs a reading (${serviceCpu.toFixed(1)} s), client ${((clientCpu / done) * 1e6).toFixed(0)} µs (${clientCpu.toFixed(1)} s), in ${seconds.toFixed(1)} s on ${availableParallelism()} cores`);
      console.log(`    service threads, µs a reading: ${serviceThreads}`);
      console.log(`    written to storage: ${(written / done / 1024).toFixed(1)} KiB a reading (WAL and checkpoints; 0 on tmpfs)`);
      console.log(`  reference: the transport alone (a bare node:${PLAIN ? "http" : "https"} server that parses and answers, the same readers and requests, closed loop): server ${floor.serverMicros.toFixed(0)} µs a request, client ${floor.clientMicros.toFixed(0)} µs, ${Math.round(floor.requestsPerSecond).toLocaleString("en-US")}/s; the service's own work above it: ${(serviceMicros - floor.serverMicros).toFixed(0)} µs a reading`);
      console.log(`  at ${RATE.toLocaleString("en-US")} readings/s offered (${scheduled.length} readings in ${openSeconds.toFixed(1)} s, ${Math.round(scheduled.length / openSeconds).toLocaleString("en-US")}/s answered): latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms   goal p99 < ${GOAL_P99_MS} ms`);
      console.log(`    the load generator's own GC pauses in that run (they delay answers it reads, and count in its latency): ${clientPauses.count}, ${clientPauses.totalMs.toFixed(0)} ms in all, longest ${clientPauses.longestMs.toFixed(1)} ms`);
      console.log(`  group commit: ${health.batches} commits for ${health.committed} readings (${(health.committed / health.batches).toFixed(1)} a commit)`);
      const ms = (h: Record<"p50" | "p99" | "max", number>) => `p50 ${h.p50.toFixed(1)}, p99 ${h.p99.toFixed(1)}, max ${h.max.toFixed(1)} ms`;
      console.log(`  service since it started (/health): a commit ${ms(health.commitMs)}; event loop late by ${ms(health.eventLoopDelayMs)}`);
      failed = false;
    } finally {
      for (const reader of readers) reader.close();
      // A stalled service is killed (kill -9), not waited for.
      if (failed) await serve.kill9();
      else await serve.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
