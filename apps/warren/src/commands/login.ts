import { createCertificateRequest, generateKeyPair } from "@warren/pki";
import type { LoginResult, LoginServiceClient } from "@warren/proto";

import type { Command, CommandContext, FlagValues } from "../command.js";
import { freshLoginSummary } from "../login-summary.js";
import { withLogin } from "../fresh-certificate.js";
import { stringFlag } from "../flag-values.js";
import { callHub, loginClient } from "../hub-calls.js";
import { parseHubAddr } from "../hub-addr.js";
import { hubCa } from "../hub-trust.js";
import { readNewPassword, readPassword, type PasswordSource } from "../login/password-input.js";
import { ssoLogin } from "../login/sso-login.js";
import { readProfile, selectedHub, writeProfile } from "../profile/user-profile.js";

async function passwordLogin(
  context: CommandContext,
  flags: FlagValues,
  hubAddr: string,
  client: LoginServiceClient,
  csrPem: string,
): Promise<LoginResult | undefined> {
  const user = stringFlag(flags, "user");
  if (user === undefined) return undefined;
  const source: PasswordSource = {
    fromStdin: flags["password-stdin"] === true,
    stdin: context.stdin,
  };
  const invite = stringFlag(flags, "invite");
  const answer =
    invite === undefined
      ? await callHub(hubAddr, client.passwordLogin.bind(client), {
          user,
          password: await readPassword(source, `Password for ${user}: `),
          csrPem,
        })
      : await callHub(hubAddr, client.acceptInvite.bind(client), {
          user,
          invite,
          newPassword: await readNewPassword(source),
          csrPem,
        });
  if (!answer.login) throw new Error("the hub answered a login without a certificate");
  return answer.login;
}

export const login: Command = {
  words: ["login"],
  summary: "log in to a hub (SSO in the browser, or a local user's password)",
  flags: {
    hub: { type: "string" },
    auth: { type: "string" },
    user: { type: "string" },
    invite: { type: "string" },
    "password-stdin": { type: "boolean" },
    headless: { type: "boolean" },
    "ca-pin": { type: "string" },
  },
  flagHelp: [
    "--hub HOST:PORT      the hub (default: the one you last logged in to)",
    "--auth NAME          the SSO connector (default: the hub's only one)",
    "--headless           print the login URL and a code instead of opening a browser here",
    "--user NAME          log in as a local user with a password (no SSO)",
    "--invite CODE        set your first password with the invite an admin gave you",
    "--password-stdin     read the password from the first line of stdin",
    "--ca-pin sha256:HEX  the hub's CA pin; needed at the first login to a hub",
  ],
  async run(context, flags) {
    const hubFlag = stringFlag(flags, "hub");
    const hubAddr = parseHubAddr(hubFlag ?? (await selectedHub(context.env, undefined)));
    const known = await readProfile(context.env, hubAddr);
    const caPem = await hubCa(hubAddr, known?.caPem, stringFlag(flags, "ca-pin"));
    // The key is made here and never leaves this machine: the hub signs only its public half.
    const keys = await generateKeyPair();
    const csrPem = createCertificateRequest(keys, stringFlag(flags, "user") ?? "warren-user");
    const client = loginClient(hubAddr, caPem);
    try {
      const result =
        (await passwordLogin(context, flags, hubAddr, client, csrPem)) ??
        (await ssoLogin(context, {
          hubAddr,
          client,
          csrPem,
          auth: stringFlag(flags, "auth"),
          headless: flags.headless === true,
        }));
      const profile = withLogin(
        { ...emptyProfile(hubAddr, caPem), privateKeyPem: keys.privateKeyPem },
        result,
      );
      await writeProfile(context.env, profile);
      context.stdout.write(freshLoginSummary(profile, context.now()));
    } finally {
      client.close();
    }
  },
};

const emptyProfile = (hubAddr: string, caPem: string) => ({
  hubAddr,
  caPem,
  user: "",
  roles: [],
  sessionId: "",
  sessionExpiresAtMs: 0,
  certificatePem: "",
  certificateExpiresAtMs: 0,
  privateKeyPem: "",
  kubeUrl: "",
  hubName: "",
  kubeServerName: "",
});
