// The intake bench's transport reference (transportFloor.ts): a bare node:https server (no
// framework, no checks, no storage) that reads each POST's body, parses its JSON as any intake
// must, and answers 201 with a JSON answer the size of the service's; a GET is answered 200. What
// it costs a request is the floor under `evv serve`'s own cost on the same connections.
// Arguments: the PEM files of the key and the certificate (the service's self-signed pair), or
// none for plain HTTP. Prints "listening <port>" on stdout once it listens on 127.0.0.1.
// Plain JavaScript so that it runs on node alone, as the bench starts it.
import { createServer as createHttpsServer } from "node:https";
import { createServer as createHttpServer } from "node:http";
import { readFileSync } from "node:fs";

const [keyPath, certPath] = process.argv.slice(2);

function answer(request, response) {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let status = request.method === "POST" ? 201 : 200;
    let readingId = null;
    if (request.method === "POST") {
      try {
        readingId = JSON.parse(Buffer.concat(chunks).toString("utf8")).reading?.readingId ?? null;
      } catch {
        status = 400;
      }
    }
    const body = JSON.stringify({ readingId, stored: status === 201, receivedAt: new Date().toISOString(), receivedSeq: 1, counterBack: false });
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    response.end(body);
  });
}

const server = keyPath ? createHttpsServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, answer) : createHttpServer(answer);
// As `evv serve` keeps a reader's connection open between readings.
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
