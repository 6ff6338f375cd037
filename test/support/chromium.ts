import { existsSync } from "node:fs";
import { userInfo } from "node:os";

import { installDebianPackage } from "@warren/store/testing";
import { chromium, type Browser } from "playwright-core";

// A real browser for the console's tests: Debian's chromium package, driven by playwright-core
// (which downloads no browser of its own).

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

const installed = () =>
  [process.env.WARREN_CHROMIUM, ...CANDIDATES].find(
    (path): path is string => path !== undefined && path !== "" && existsSync(path),
  );

/**
 * Chromium's executable; on a fresh Debian machine (as root, as CI runs) Debian's chromium
 * package is installed first, so the README's test line needs nothing else.
 */
export function ensureChromium(log: (line: string) => void = () => undefined): string {
  const found = installed();
  if (found) return found;
  installDebianPackage("chromium", log);
  const now = installed();
  if (now) return now;
  throw new Error(
    "the console tests need Chromium: apt-get install -y chromium (or set WARREN_CHROMIUM)",
  );
}

/** Headless Chromium; as root it cannot use its sandbox. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: userInfo().uid === 0 ? ["--no-sandbox"] : [],
  });
}
