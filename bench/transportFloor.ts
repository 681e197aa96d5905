// The intake bench's transport reference, measured in the same run: the same readers (one TLS
// connection each, readerConnection.ts) send the same requests in the same closed loop to a bare
// node:https server (transportFloorServer.mjs) that only parses and answers. Its CPU a request is
// what TLS, HTTP/1.1 and a JSON body cost on this machine now, the part of the service's cost that
// no change to the service can remove; the client's is the load generator's own floor.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ReaderConnection, type PreparedPost } from "./readerConnection.js";
import { cpuSecondsOf } from "./processCpu.js";

export interface TransportFloor {
  /** Requests measured (every reader's list but its first, the warm-up). */
  requests: number;
  requestsPerSecond: number;
  serverMicros: number;
  clientMicros: number;
}

const serverScript = fileURLToPath(new URL("./transportFloorServer.mjs", import.meta.url));

/**
 * Runs `requests[reader]` (each reader's list, in order) in a closed loop against the bare server.
 * `tls`: the service's key and certificate files and the certificate's PEM to trust, or null for plain HTTP.
 */
export async function measureTransportFloor(requests: PreparedPost[][], tls: { keyPath: string; certPath: string; ca: string } | null, timeoutMs: number): Promise<TransportFloor> {
  // The service's thread has a 64 MiB semi-space (host/cli/serveThread.ts); so has this server.
  const child = spawn(process.execPath, ["--max-semi-space-size=64", serverScript, ...(tls ? [tls.keyPath, tls.certPath] : [])], { stdio: ["ignore", "pipe", "inherit"] });
  const readers: ReaderConnection[] = [];
  // The whole measurement is bounded, as every step of the bench is: past the deadline the
  // readers are closed (their requests fail) and the server is killed.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the transport reference did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  const work = measure(child, readers, requests, tls);
  // Past the deadline the work fails too (its readers closed); that failure is not the one reported.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    for (const reader of readers) reader.close();
    child.kill("SIGTERM");
  }
}

async function measure(child: ChildProcess, readers: ReaderConnection[], requests: PreparedPost[][], tls: { ca: string } | null): Promise<TransportFloor> {
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the transport reference server exited (${code}) before it listened`)));
    child.stdout!.once("data", (data: Buffer) => {
      const port = /^listening (\d+)/.exec(data.toString())?.[1];
      if (port) resolve(Number(port));
      else reject(new Error(`the transport reference server said ${JSON.stringify(data.toString())}, not "listening <port>"`));
    });
  });
  const url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  for (let i = 0; i < requests.length; i++) readers.push(new ReaderConnection({ url, ca: tls?.ca }));
  await Promise.all(readers.map((reader) => reader.connected()));
  // Warm-up, as the service gets: every reader's first request.
  await Promise.all(requests.map((list, reader) => readers[reader].send(list[0])));
  let sent = 0;
  const server0 = cpuSecondsOf(child.pid!);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    requests.map(async (list, reader) => {
      for (let i = 1; i < list.length; i++) {
        const status = await readers[reader].send(list[i]);
        if (status !== 201) throw new Error(`the transport reference server answered ${status}`);
        sent++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const server = cpuSecondsOf(child.pid!) - server0;
  const client = process.cpuUsage(client0);
  return { requests: sent, requestsPerSecond: sent / seconds, serverMicros: (server / sent) * 1e6, clientMicros: (client.user + client.system) / sent };
}
