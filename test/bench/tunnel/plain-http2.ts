import { once } from "node:events";
import { connect, type ClientHttp2Session, type ClientHttp2Stream } from "node:http2";

import { spawnScript, type WarrenProcess } from "../../support/warren-process.js";

const REQUEST = Buffer.alloc(37); // A framed 32-byte message, as the Echo and Ping calls send.

/** A node:http2 client to plain-http2-server.ts: node's own cost of a call, with no gRPC layer. */
export interface PlainHttp2 {
  /** A new stream per call: headers and a message out, headers, a message and trailers back. */
  call: () => Promise<void>;
  /** One message each way on a stream opened once. */
  roundTrip: () => Promise<void>;
  close(): Promise<void>;
}

function untilClosed(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on("data", () => undefined);
    stream.once("error", reject);
    stream.once("close", () => {
      resolve();
    });
  });
}

export async function startPlainHttp2(): Promise<PlainHttp2> {
  const server: WarrenProcess = spawnScript("test/bench/tunnel/plain-http2-server.ts", [], {});
  const { port } = await server.logs.waitForMessage("listening");
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${String(port)}`);
  await once(session, "connect");
  const echo = session.request({ ":method": "POST", ":path": "/echo" }, { endStream: false });
  return {
    call: () => {
      const stream = session.request({ ":method": "POST", ":path": "/ping" }, { endStream: false });
      stream.end(REQUEST);
      return untilClosed(stream);
    },
    roundTrip: async () => {
      const answered = once(echo, "data");
      echo.write(REQUEST);
      await answered;
    },
    close: async () => {
      session.destroy();
      await server.stop();
    },
  };
}
