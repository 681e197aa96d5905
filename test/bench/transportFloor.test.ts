// The intake bench's transport reference: the bare server it measures answers what the service
// would (201 for a JSON POST, 400 for a body that is not JSON), over TLS with the service's own
// self-signed certificate, and the measurement counts every request it sent.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { measureTransportFloor } from "../../bench/transportFloor.js";
import { ReaderConnection } from "../../bench/readerConnection.js";
import { parentOf } from "../../bench/processCpu.js";
import { selfSignedTls } from "../../host/service/tlsFiles.js";

const dir = mkdtempSync(join(tmpdir(), "evv-transport-floor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This test process's children running the bare server now (from /proc). */
function floorServers(): string[] {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return parentOf(Number(pid)) === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("transportFloorServer.mjs");
    } catch {
      return false; // ended meanwhile
    }
  });
}

const submission = (i: number) => ReaderConnection.request("/v1/readings", JSON.stringify({ reader: "rdr-1", counter: i, reading: { readingId: `id-${i}` }, signature: "x" }));

describe("the transport reference", () => {
  it("measures a closed loop of the readers' requests over TLS with the service's certificate", async () => {
    const tls = await selfSignedTls(join(dir, "tls"));
    const requests = [0, 1, 2].map((reader) => [0, 1, 2, 3].map((i) => submission(reader * 10 + i)));
    const floor = await measureTransportFloor(requests, { keyPath: join(dir, "tls", "key.pem"), certPath: tls.certPath, ca: tls.cert }, 30_000);
    // Each reader's first request is the warm-up; the other three each are measured.
    expect(floor.requests).toBe(9);
    expect(floor.requestsPerSecond).toBeGreaterThan(0);
    // CPU is read from /proc in 10 ms ticks: a few requests may show none, never less or NaN.
    expect(floor.serverMicros).toBeGreaterThanOrEqual(0);
    expect(floor.clientMicros).toBeGreaterThan(0);
  });

  it("fails naming the status when the server refuses a request (a body that is not JSON)", async () => {
    const requests = [[submission(1), ReaderConnection.request("/v1/readings", "{not json")]];
    await expect(measureTransportFloor(requests, null, 30_000)).rejects.toThrow("the transport reference server answered 400");
  });

  it("ends at its deadline naming it, and leaves no server running", async () => {
    const requests = [[submission(1), submission(2)]];
    await expect(measureTransportFloor(requests, null, 1)).rejects.toThrow("the transport reference did not finish within 1 ms");
    await vi.waitFor(() => expect(floorServers()).toEqual([]), { timeout: 10_000 });
  });
});
