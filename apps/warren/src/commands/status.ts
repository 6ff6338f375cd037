import type { Command } from "../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf } from "../flag-values.js";
import { callHub } from "../hub-calls.js";
import { relative } from "../login-summary.js";
import { HUB_FLAG, HUB_HELP, userSession } from "../user-session.js";

export const status: Command = {
  words: ["status"],
  summary: "who you are logged in as, your roles, traits and login sessions",
  flags: { ...HUB_FLAG, ...FORMAT_FLAG },
  flagHelp: [HUB_HELP, FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const { profile, client } = await userSession(context, flags);
    try {
      const me = await callHub(profile.hubAddr, client.whoAmI.bind(client), {});
      const { sessions } = await callHub(
        profile.hubAddr,
        client.listMyLoginSessions.bind(client),
        {},
      );
      const traits = Object.fromEntries(Object.entries(me.traits).map(([k, v]) => [k, v.values]));
      if (format === "json") {
        context.stdout.write(
          `${JSON.stringify(
            {
              hub: profile.hubAddr,
              hubName: profile.hubName,
              user: me.user,
              roles: me.roles,
              origin: me.origin || "local",
              traits,
              session: profile.sessionId,
              sessionExpiresAt: new Date(profile.sessionExpiresAtMs).toISOString(),
              certificateExpiresAt: new Date(profile.certificateExpiresAtMs).toISOString(),
              sessions: sessions.map((s) => ({ ...s, current: s.id === profile.sessionId })),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const now = context.now();
      const lines = [
        `Hub:       ${profile.hubName} (${profile.hubAddr})`,
        `User:      ${me.user} (${me.origin || "local user"})`,
        `Roles:     ${me.roles.join(", ") || "none"}`,
        ...Object.entries(traits).map(([k, v]) => `Trait:     ${k} = ${v.join(", ")}`),
        `Login:     until ${new Date(profile.sessionExpiresAtMs).toISOString()} (${relative(profile.sessionExpiresAtMs, now)})`,
        `Cert:      until ${new Date(profile.certificateExpiresAtMs).toISOString()} (renewed by itself)`,
        `Sessions:  ${String(sessions.length)} open`,
        ...sessions.map(
          (s) =>
            `  ${s.id === profile.sessionId ? "*" : " "} ${s.id}  ${s.method}  from ${s.source}  until ${new Date(s.expiresAtUnixMs).toISOString()}`,
        ),
      ];
      context.stdout.write(`${lines.join("\n")}\n`);
    } finally {
      client.close();
    }
  },
};
