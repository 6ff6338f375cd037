import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

const APT = ["-o", "DPkg::Lock::Timeout=600", "-y", "-q"];

/**
 * Installs a Debian package a test needs, on a fresh Debian machine as root (as CI runs), so
 * the README's test line needs nothing else; elsewhere it does nothing and the caller says what
 * to install. apt waits for a lock another test run holds; a stale package list is refreshed.
 */
export function installDebianPackage(name: string, log: (line: string) => void): void {
  if (userInfo().uid !== 0 || !existsSync("/usr/bin/apt-get")) return;
  log(`installing Debian's ${name} package`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    execFileSync("apt-get", [...APT, "install", "--no-install-recommends", name], {
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
