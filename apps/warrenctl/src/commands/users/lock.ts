import type { Command } from "../../command.js";
import { durationFlag, requiredArg, stringFlag } from "../../flag-values.js";
import { timeWithRelative } from "../../output/time.js";

export const usersLock: Command = {
  noun: "users",
  verb: "lock",
  summary: "refuse every request of a user and end their open sessions, until unlocked",
  args: "NAME",
  flags: { reason: { type: "string" }, message: { type: "string" }, ttl: { type: "string" } },
  flagHelp: [
    "--message TEXT       shown to the user with every refusal (--reason is the same)",
    "--ttl DURATION       lift the lock by itself after this long (default: until unlocked)",
  ],
  async run(context, flags, args) {
    const name = requiredArg(args, "user", "warrenctl users lock NAME [--reason TEXT] [--ttl 1h]");
    const hub = await context.hub();
    const locked = await hub.call(hub.admin.lockUser.bind(hub.admin), {
      name,
      reason: stringFlag(flags, "message") ?? stringFlag(flags, "reason") ?? "",
      ttlMs: durationFlag(flags, "ttl") ?? 0,
    });
    const expires = locked.user?.lock?.expiresAtUnixMs ?? 0;
    const until =
      expires === 0
        ? "until unlocked"
        : `until ${timeWithRelative(new Date(expires), context.now())}`;
    context.stdout.write(
      `Locked user ${name} ${until}; ended ${String(locked.sessionsEnded)} open session(s). ` +
        `Lift it with: warrenctl users unlock ${name}\n`,
    );
  },
};
