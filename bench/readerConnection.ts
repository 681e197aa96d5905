// The intake bench's reader: one TLS (or, for comparison, plain TCP) connection of its own to the
// service, one HTTP/1.1 request at a time on it, as a reader's own device sends. Each request is
// written as one prepared buffer and only the answer's status is kept once its body (by
// Content-Length) has arrived. It is this small because the load generator shares the machine's
// 2 cores with the service it measures: undici's Client cost the generator about 80 µs a
// reading, most of it parsing and handler plumbing the bench does not need; this costs about 40
// (host/service/README.md, "Where the CPU goes").
import { connect as tlsConnect } from "node:tls";
import { connect as tcpConnect, type Socket } from "node:net";

const HEADER_END = Buffer.from("\r\n\r\n");

export interface ReaderConnectionOptions {
  /** The service's origin, e.g. https://127.0.0.1:8443. */
  url: string;
  /** PEM of the certificate to trust (the service's self-signed one); ignored for http:. */
  ca?: string;
}

export class ReaderConnection {
  private readonly socket: Socket;
  private readonly ready: Promise<void>;
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | null = null;
  /** Requests asked for while one is under way, sent in turn (as a device queues its readings). */
  private queue: { request: Buffer; resolve: (status: number) => void; reject: (error: Error) => void }[] = [];
  private received: Buffer[] = [];
  private receivedBytes = 0;
  private failure: Error | null = null;

  constructor(options: ReaderConnectionOptions) {
    const url = new URL(options.url);
    const port = Number(url.port);
    this.socket =
      url.protocol === "https:"
        ? tlsConnect({ host: url.hostname, port, ca: options.ca, servername: url.hostname === "127.0.0.1" ? undefined : url.hostname })
        : tcpConnect({ host: url.hostname, port });
    this.socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => resolve());
      this.socket.once("error", reject);
    });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => this.fail(new Error("the service closed the connection")));
  }

  /** Resolves once connected (TLS handshake done). */
  connected(): Promise<void> {
    return this.ready;
  }

  /** A POST of a JSON body to this service, as the bytes sent (made before the clock starts, as the readings are signed before it). */
  static request(url: string, path: string, body: string): Buffer {
    return Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${new URL(url).host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  /** Sends a request (ReaderConnection.request), after the requests before it on this connection; resolves to the answer's status once the whole answer has arrived. */
  send(request: Buffer): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.waiting) this.queue.push({ request, resolve, reject });
      else this.write(request, resolve, reject);
    });
  }

  private write(request: Buffer, resolve: (status: number) => void, reject: (error: Error) => void): void {
    this.waiting = { resolve, reject };
    this.socket.write(request);
  }

  /** Ends the connection; a request still waiting is rejected (the bench's phase deadline uses this). */
  close(): void {
    this.fail(new Error("closed by the bench"));
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    const all = this.received.length === 1 ? chunk : Buffer.concat(this.received, this.receivedBytes);
    const headerEnd = all.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = all.toString("latin1", 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length || !/^HTTP\/1\.1 \d{3}/.test(head)) return this.fail(new Error(`an answer the bench cannot read (no Content-Length): ${head.slice(0, 200)}`));
    const end = headerEnd + HEADER_END.length + Number(length[1]);
    if (all.length < end) {
      this.received = [all];
      return;
    }
    if (all.length > end) return this.fail(new Error("the service answered more than was asked"));
    this.received = [];
    this.receivedBytes = 0;
    const waiting = this.waiting;
    this.waiting = null;
    const next = this.queue.shift();
    if (next) this.write(next.request, next.resolve, next.reject);
    waiting?.resolve(status);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.socket.destroy();
    const waiting = [...(this.waiting ? [this.waiting] : []), ...this.queue];
    this.waiting = null;
    this.queue = [];
    for (const w of waiting) w.reject(error);
  }
}
