import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Only for servers that cannot listen on
 * port 0 themselves (kube-apiserver refuses --secure-port=0); callers retry if it was taken.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === "string") reject(new Error("no port"));
        else resolve(address.port);
      });
    });
  });
}
