import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

import { chromium, type Browser } from "playwright-core";

// A real browser for the console's tests: Debian's chromium package, driven by playwright-core
// (which downloads no browser of its own).

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const APT = ["-o", "DPkg::Lock::Timeout=600", "-y", "-q"];

const installed = () =>
  [process.env.WARREN_CHROMIUM, ...CANDIDATES].find(
    (path): path is string => path !== undefined && path !== "" && existsSync(path),
  );

/**
 * Chromium's executable; on a fresh Debian machine (as root, as CI runs) Debian's chromium
 * package is installed first, so the README's test line needs nothing else.
 */
export function ensureChromium(): string {
  const found = installed();
  if (found) return found;
  if (userInfo().uid === 0 && existsSync("/usr/bin/apt-get")) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () =>
      execFileSync("apt-get", [...APT, "install", "--no-install-recommends", "chromium"], {
        stdio: "ignore",
        env,
      });
    try {
      install();
    } catch {
      execFileSync("apt-get", [...APT, "update"], { stdio: "ignore", env });
      install();
    }
  }
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
