import { caPin } from "@warren/pki";

/** How a local user sets their password with an invite, shown once with the secret. */
export function inviteText(
  name: string,
  invite: string,
  expiresAtMs: number,
  hubAddr: string,
  caPem: string,
): string {
  return (
    `Invite for ${name} (single use, until ${new Date(expiresAtMs).toISOString()}); give it to them privately:\n\n` +
    `  warren login --hub ${hubAddr} --ca-pin ${caPin(caPem)} --user ${name} --invite ${invite}\n\n` +
    "It asks them for a password. This invite is not shown again.\n"
  );
}
