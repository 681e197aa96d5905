// The intake bench's reader: one TLS (or, for comparison, plain TCP) connection of its own to the
// service, one HTTP/1.1 request at a time on it, as a reader's own device sends; a reading due
// while the last is unanswered waits for it in the client's queue. The connection is undici's
// `Client` (the kept HTTP client the issue asks the load to come from), driven through its
// `dispatch` handler interface rather than `request()`: the answer's status is kept and its body
// dropped as it arrives, with no stream made per answer. The load generator shares the machine's
// 2 cores with the service it measures, so what it spends a reading is printed beside the
// service's (host/service/README.md, "Where the CPU goes").
import { Client, type Dispatcher } from "undici";

export interface ReaderConnectionOptions {
  /** The service's origin, e.g. https://127.0.0.1:8443. */
  url: string;
  /** PEM of the certificate to trust (the service's self-signed one); ignored for http:. */
  ca?: string;
}

/** A prepared POST: the body's bytes made before the clock starts, as its reading was signed before it. */
export interface PreparedPost {
  path: string;
  body: Buffer;
}

const JSON_HEADERS = { "content-type": "application/json" };

export class ReaderConnection {
  private readonly client: Client;

  constructor(options: ReaderConnectionOptions) {
    this.client = new Client(options.url, {
      pipelining: 1,
      keepAliveTimeout: 600_000,
      connect: options.ca ? { ca: options.ca } : undefined,
    });
  }

  /** Opens the connection (TCP and TLS handshake) with one GET of /health; resolves once it is answered. */
  async connected(): Promise<void> {
    const status = await this.dispatch({ method: "GET", path: "/health" });
    if (status !== 200) throw new Error(`the service's /health answered ${status}`);
  }

  static request(path: string, body: string): PreparedPost {
    return { path, body: Buffer.from(body) };
  }

  /** Sends a prepared POST after the requests before it on this connection; resolves to the answer's status once the whole answer has arrived. */
  send(post: PreparedPost): Promise<number> {
    return this.dispatch({ method: "POST", path: post.path, headers: JSON_HEADERS, body: post.body });
  }

  /** Ends the connection; requests still waiting are rejected (the bench's phase deadline uses this). */
  close(): void {
    void this.client.destroy(new Error("closed by the bench")).catch(() => undefined);
  }

  private dispatch(options: Dispatcher.DispatchOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      let status = 0;
      this.client.dispatch(options, {
        onConnect: () => {},
        onHeaders: (statusCode) => {
          status = statusCode;
          return true;
        },
        onData: () => true,
        onComplete: () => resolve(status),
        onError: reject,
      });
    });
  }
}
