// A process that sends each connection the number of bytes the connection asks for (an
// 8-byte big-endian count): the far end of the OpenSSH baseline, like an agent's Download.
import { createServer } from "node:net";

const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.once("data", (head: Buffer) => {
    let left = Number(head.readBigUInt64BE(0));
    const pump = () => {
      while (left > 0) {
        const data = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= data.length;
        if (!socket.write(data)) {
          socket.once("drain", pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: "listening", port })}\n`);
});
