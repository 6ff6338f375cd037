import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { WarrenError, WarrenErrorCode } from "../errors.js";

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><p>${text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`)}</p></body></html>\n`;

/** Where the hub sends the browser back on this machine, and the wait for it. */
export interface LoopbackCallback {
  url: string;
  /** Resolves when the browser comes back saying the login worked; rejects with its error. */
  done: Promise<void>;
  close(): void;
}

/**
 * A one-shot HTTP listener on 127.0.0.1 with a random port and path: the end of the browser
 * login (RFC 8252's loopback redirect). It carries no secret; the result comes from the hub.
 */
export async function listenForCallback(signal: AbortSignal): Promise<LoopbackCallback> {
  const path = `/callback/${crypto.randomUUID()}`;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== path) {
      response.writeHead(404).end();
      return;
    }
    const error = url.searchParams.get("error");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (error === null) {
      response.end(
        PAGE("Logged in to Warren", "You may close this tab and return to your terminal."),
      );
      settle?.resolve();
    } else {
      response.end(PAGE("Warren login failed", error));
      settle?.reject(new WarrenError(WarrenErrorCode.LoginFailed, `the login failed: ${error}`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  const onAbort = () => {
    settle?.reject(new WarrenError(WarrenErrorCode.LoginFailed, "login cancelled"));
  };
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}${path}`,
    done: done.finally(() => {
      signal.removeEventListener("abort", onAbort);
    }),
    close,
  };
}
