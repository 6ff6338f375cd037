import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { findFreePort } from "../../k8s/free-port.js";
import { startDaemon, stopDaemon, type Daemon } from "../../k8s/daemon.js";
import { eventually } from "../../support/eventually.js";

const run = promisify(execFile);
const SSHD = "/usr/sbin/sshd";
/** The cipher our tunnel prefers, so both move bytes under the same encryption. */
const CIPHER = "aes128-gcm@openssh.com";

export interface OpenSshForward {
  /** Connect here (the sshd side) to reach the byte source through `ssh -R`. */
  port: number;
  close(): Promise<void>;
}

async function keyPair(path: string): Promise<void> {
  await run("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", path]);
}

async function sshdConfig(dir: string, port: number): Promise<string> {
  const path = join(dir, "sshd_config");
  await writeFile(
    path,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_rsa")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      "AllowTcpForwarding yes",
      `Ciphers ${CIPHER}`,
    ].join("\n") + "\n",
  );
  return path;
}

/**
 * OpenSSH's own reverse forward on loopback, as the baseline: sshd plays the hub, `ssh -R`
 * the agent, forwarding a port on the sshd side to `sourcePort` on the client side.
 */
export async function startOpenSshReverseForward(
  dir: string,
  sourcePort: number,
): Promise<OpenSshForward> {
  if (!existsSync(SSHD)) {
    throw new Error(
      "the baseline needs OpenSSH's server: apt-get install openssh-server openssh-client",
    );
  }
  await mkdir(dir, { recursive: true });
  await mkdir("/run/sshd", { recursive: true }); // sshd's privilege-separation directory
  await Promise.all([keyPair(join(dir, "host_rsa")), keyPair(join(dir, "client_rsa"))]);
  await writeFile(join(dir, "authorized_keys"), await readFile(join(dir, "client_rsa.pub")));
  const sshdPort = await findFreePort();
  const sshd: Daemon = startDaemon({
    command: SSHD,
    args: ["-D", "-e", "-f", await sshdConfig(dir, sshdPort)],
    cwd: dir,
    logPath: join(dir, "sshd.log"),
    dieWithParent: true,
  });
  const ssh: Daemon = startDaemon({
    command: "ssh",
    args: [
      "-N",
      "-p",
      String(sshdPort),
      "-i",
      join(dir, "client_rsa"),
      "-c",
      CIPHER,
      "-o",
      "StrictHostKeyChecking=no",
      "-o",
      "UserKnownHostsFile=/dev/null",
      "-o",
      "ExitOnForwardFailure=yes",
      "-o",
      "ConnectionAttempts=20",
      "-R",
      `127.0.0.1:0:127.0.0.1:${sourcePort}`,
      `${userInfo().username}@127.0.0.1`,
    ],
    cwd: dir,
    logPath: join(dir, "ssh.log"),
    dieWithParent: true,
  });
  const port = await eventually(
    async () =>
      Number(
        /Allocated port (\d+)/.exec(
          await readFile(join(dir, "ssh.log"), "utf8").catch(() => ""),
        )?.[1],
      ) || undefined,
    { description: "ssh -R to report its forwarded port", timeoutMs: 30_000 },
  );
  return {
    port,
    close: async () => {
      await Promise.all([stopDaemon(ssh), stopDaemon(sshd)]);
    },
  };
}

/** Asks the byte source, through the forward, for `bytes` bytes and reads them all. */
export function readFromOpenSsh(forward: OpenSshForward, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: forward.port, noDelay: true });
    let received = 0;
    socket.on("connect", () => {
      const head = Buffer.alloc(8);
      head.writeBigUInt64BE(BigInt(bytes));
      socket.write(head);
    });
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    socket.on("error", reject);
    socket.on("end", () => {
      if (received === bytes) resolve(received);
      else reject(new Error(`OpenSSH moved ${received} of ${bytes} bytes`));
    });
  });
}
