import { hostPort } from "@warren/config";
import { callUnary, presentedRootCa, hubChannel, writeAdminProfile } from "@warren/hub-client";
import {
  caPin,
  createCertificateRequest,
  generateKeyPair,
  parseCaPin,
  PkiError,
} from "@warren/pki";
import { readIdentity } from "@warren/identity";
import { JoinServiceClient } from "@warren/proto";

import type { Command } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { requiredStringFlag, stringFlag } from "../../flag-values.js";
import { hubCallError } from "../../hub-connection.js";
import { timeWithRelative } from "../../output/time.js";
import { userProfilePath } from "../../profile-path.js";

const invalid = (message: string) => new WarrenctlError(WarrenctlErrorCode.InvalidFlag, message);

function parseHub(text: string) {
  try {
    return hostPort({ defaultPort: 3025 })(text);
  } catch (error) {
    throw invalid(`--hub: ${(error as Error).message}`);
  }
}

function parsePin(text: string): string {
  try {
    return parseCaPin(text);
  } catch (error) {
    if (error instanceof PkiError) throw invalid(`--ca-pin: ${error.message}`);
    throw error;
  }
}

/** The hub's CA as it presents it, checked against the pin before anything is sent. */
async function pinnedHubCa(host: string, port: number, pin: string): Promise<string> {
  let rootPem: string;
  try {
    rootPem = await presentedRootCa({ host, port });
  } catch (error) {
    throw new WarrenctlError(
      WarrenctlErrorCode.HubUnreachable,
      `cannot reach the hub at ${host}:${port}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const presented = caPin(rootPem);
  if (presented !== pin) {
    throw new WarrenctlError(
      WarrenctlErrorCode.PinMismatch,
      `the server at ${host}:${port} presents CA ${presented}, not the pinned ${pin}: it is not ` +
        "the hub that minted the token (or that hub was reset); check --hub and --ca-pin",
    );
  }
  return rootPem;
}

export const authLogin: Command = {
  noun: "auth",
  verb: "login",
  summary: "enrol this machine as an admin of a hub, with an admin token",
  flags: {
    hub: { type: "string" },
    token: { type: "string" },
    "ca-pin": { type: "string" },
    name: { type: "string" },
    profile: { type: "string" },
  },
  flagHelp: [
    "--hub HOST:PORT      the hub's address (tokens add --type admin prints it)",
    "--token TOKEN        an admin token from: warrenctl tokens add --type admin",
    "--ca-pin sha256:HEX  the hub's CA pin, checked before the token is sent",
    "--name NAME          the name the token was minted for (optional: a check)",
    "--profile FILE       where to write the profile (default ~/.config/warren/profile.json)",
  ],
  async run(context, flags) {
    const hub = parseHub(requiredStringFlag(flags, "hub", "the hub's host:port"));
    const token = requiredStringFlag(
      flags,
      "token",
      "mint one with: warrenctl tokens add --type admin",
    );
    const pin = parsePin(requiredStringFlag(flags, "ca-pin", "it proves you reach the real hub"));
    const name = stringFlag(flags, "name") ?? "";
    const hubAddr = `${hub.host}:${hub.port}`;
    const caPem = await pinnedHubCa(hub.host, hub.port, pin);
    const keys = await generateKeyPair();
    const channel = hubChannel(hubAddr, { caPem });
    const client = new JoinServiceClient(channel.target, channel.credentials, channel.options);
    try {
      const enrolled = await callUnary(client.enrollAdmin.bind(client), {
        token,
        csrPem: createCertificateRequest(keys, name || "admin"),
        name,
        provisionToken: "",
      });
      const path = stringFlag(flags, "profile") ?? userProfilePath(context.env);
      await writeAdminProfile(path, {
        hubAddr,
        caPem: enrolled.caCertificatesPem.join(""),
        certificatePem: enrolled.certificatePem,
        privateKeyPem: keys.privateKeyPem,
      });
      const until = timeWithRelative(new Date(enrolled.expiresAtUnixMs), context.now());
      const admin = readIdentity(enrolled.certificatePem);
      const as = admin.kind === "admin" ? admin.name : name;
      context.stdout.write(
        `Logged in to ${hubAddr} as admin ${as} until ${until}.\nProfile: ${path}\n`,
      );
    } catch (error) {
      throw hubCallError(error, hubAddr);
    } finally {
      client.close();
    }
  },
};
