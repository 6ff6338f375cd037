import type { UserProfile } from "./profile/user-profile.js";

/** "in 7h59m" / "2m ago": how far a time is from now, for people. */
export function relative(atMs: number, now: Date): string {
  const delta = atMs - now.getTime();
  const abs = Math.abs(delta);
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = Math.floor((abs % 60_000) / 1000);
  const text =
    hours > 0
      ? `${String(hours)}h${String(minutes)}m`
      : minutes > 0
        ? `${String(minutes)}m`
        : `${String(seconds)}s`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

export function freshLoginSummary(profile: UserProfile, now: Date): string {
  return [
    `Logged in to ${profile.hubName} (${profile.hubAddr}) as ${profile.user}, roles: ${profile.roles.join(", ") || "none"}.`,
    `The login lasts until ${new Date(profile.sessionExpiresAtMs).toISOString()} (${relative(profile.sessionExpiresAtMs, now)}); certificates renew by themselves until then.`,
    "Next: warren kube ls, then warren kube login CLUSTER.",
    "",
  ].join("\n");
}
