import { createConnection, createServer, type Server } from "node:net";

/** A TCP server on 127.0.0.1 (port 0) that sends back what it receives: port-forward's far end. */
export async function startEchoServer(): Promise<Server> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** Sends `text` to 127.0.0.1:port and resolves with what comes back once the peer ends. */
export function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.end(text));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
    socket.on("end", () => {
      resolve(received);
    });
    socket.on("error", reject);
  });
}
