import type { UserServiceClient } from "@warren/proto";

import type { CommandContext, FlagValues } from "./command.js";
import { freshCertificate } from "./fresh-certificate.js";
import { stringFlag } from "./flag-values.js";
import { userClient } from "./hub-calls.js";
import { parseHubAddr } from "./hub-addr.js";
import { requireProfile, type UserProfile } from "./profile/user-profile.js";

/** The selected hub's login with a usable certificate, and its user API; close when done. */
export async function userSession(
  context: CommandContext,
  flags: FlagValues,
): Promise<{ profile: UserProfile; client: UserServiceClient }> {
  const hub = stringFlag(flags, "hub");
  const stored = await requireProfile(
    context.env,
    hub === undefined ? undefined : parseHubAddr(hub),
  );
  const profile = await freshCertificate(context.env, stored, context.now());
  return { profile, client: userClient(profile) };
}

export const HUB_FLAG = { hub: { type: "string" } } as const;
export const HUB_HELP = "--hub HOST:PORT      the hub (default: the one you last logged in to)";
