import type { Command } from "../command.js";
import { WarrenError, WarrenErrorCode } from "../errors.js";
import { freshCertificate } from "../fresh-certificate.js";
import { stringFlag } from "../flag-values.js";
import { callHub, userClient } from "../hub-calls.js";
import { parseHubAddr } from "../hub-addr.js";
import { forgetLogin, requireProfile } from "../profile/user-profile.js";
import { HUB_FLAG, HUB_HELP } from "../user-session.js";

export const logout: Command = {
  words: ["logout"],
  summary: "end your login session at the hub and forget its key and certificate here",
  flags: { ...HUB_FLAG },
  flagHelp: [HUB_HELP],
  async run(context, flags) {
    const hub = stringFlag(flags, "hub");
    const profile = await requireProfile(
      context.env,
      hub === undefined ? undefined : parseHubAddr(hub),
    );
    try {
      // The session ends at the hub first, so a copy of the key elsewhere is useless too.
      const fresh = await freshCertificate(context.env, profile, context.now());
      const client = userClient(fresh);
      try {
        await callHub(fresh.hubAddr, client.endMyLoginSession.bind(client), {
          sessionId: fresh.sessionId,
        });
      } finally {
        client.close();
      }
    } catch (error) {
      // An ended session is what logout wants; anything else the person should know about.
      if (!(error instanceof WarrenError && error.code === WarrenErrorCode.SessionEnded))
        throw error;
    }
    await forgetLogin(context.env, profile);
    context.stdout.write(`Logged out of ${profile.hubAddr} (${profile.user}).\n`);
  },
};
