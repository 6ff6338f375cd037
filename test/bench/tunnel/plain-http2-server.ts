// node:http2 with nothing of Warren's on either side: the floor under the tunnel's gRPC calls.
// "/echo" echoes an open stream's bytes; any other path answers its first bytes the way a
// unary gRPC call ends (headers, one empty message, trailers). Prints the port, then serves.
import { once } from "node:events";
import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";

/** An empty gRPC message: no compression, length 0. */
const EMPTY_MESSAGE = Buffer.alloc(5);

const server = createServer();
server.on("stream", (stream, headers) => {
  if (headers[":path"] === "/echo") {
    stream.respond({ ":status": 200 });
    stream.on("data", (chunk: Buffer) => stream.write(chunk));
    return;
  }
  stream.once("data", () => {
    stream.respond(
      { ":status": 200, "content-type": "application/grpc" },
      { waitForTrailers: true },
    );
    stream.once("wantTrailers", () => {
      stream.sendTrailers({ "grpc-status": "0" });
    });
    stream.end(EMPTY_MESSAGE);
  });
  stream.resume();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ msg: "listening", port })}\n`);
