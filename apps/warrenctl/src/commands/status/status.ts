import { caPin } from "@warren/pki";

import type { Command } from "../../command.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { rotationJson, rotationText } from "../auth/rotation-view.js";

/** `warrenctl status`: the hub this profile reaches, and what people need to trust it. */
export const status: Command = {
  noun: "status",
  verb: "",
  summary: "the hub: version, addresses, the CA pin people give warren login, the CA rotation",
  flags: { ...FORMAT_FLAG },
  flagHelp: [FORMAT_HELP],
  async run(context, flags) {
    const format = formatOf(flags);
    const hub = await context.hub();
    const [info, rotation] = await Promise.all([
      hub.call(hub.admin.getHubInfo.bind(hub.admin), {}),
      hub.call(hub.admin.getCertificateAuthorities.bind(hub.admin), {}),
    ]);
    const authorities = rotation.authorities;
    const view = {
      hub: hub.profile.hubAddr,
      hubName: info.hubName,
      version: info.version,
      kubeUrl: info.kubeUrl,
      caPin: caPin(info.caPem),
      ...(authorities ? { rotation: rotationJson(authorities) } : {}),
    };
    if (format === "json") {
      context.stdout.write(json(view));
      return;
    }
    context.stdout.write(
      [
        `Hub:      ${view.hubName} at ${view.hub} (warren-hub ${view.version})`,
        `Kube:     ${view.kubeUrl}`,
        `CA pin:   ${view.caPin}`,
        "",
        `People log in with: warren login --hub ${view.hub} --ca-pin ${view.caPin}`,
        "",
        authorities ? rotationText(authorities, context.now()) : "",
      ].join("\n"),
    );
  },
};
