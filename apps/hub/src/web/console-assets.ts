import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Pages load only what the hub serves: no CDN, no inline script, no framing. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

/** A file name Vite writes (hashed), never a path. */
const ASSET = /^\/assets\/([A-Za-z0-9_.-]+)$/;

/**
 * The console's built files: index.html for the page, /assets/* (content-hashed, so cached
 * for good). False when the path is not one of them.
 */
export async function serveConsoleAsset(
  dir: string,
  pathname: string,
  response: ServerResponse,
): Promise<boolean> {
  const asset = ASSET.exec(pathname)?.[1];
  const file = pathname === "/" || pathname === "/index.html" ? "index.html" : asset;
  if (file === undefined || file.startsWith(".")) return false;
  let body: Buffer;
  try {
    body = await readFile(join(dir, asset === undefined ? "" : "assets", file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (asset !== undefined) return false;
    response
      .writeHead(503, { "content-type": "text/plain; charset=utf-8" })
      .end(
        "the web console is not built on this hub: run npm run build, then restart warren-hub\n",
      );
    return true;
  }
  response
    .writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": asset === undefined ? "no-store" : "public, max-age=31536000, immutable",
      "content-security-policy": CONSOLE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    })
    .end(body);
  return true;
}
