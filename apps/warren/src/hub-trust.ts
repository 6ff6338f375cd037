import { hostPort } from "@warren/config";
import { presentedRootCa } from "@warren/hub-client";
import { caPin, parseCaPin, PkiError } from "@warren/pki";

import { invalidFlag, WarrenError, WarrenErrorCode } from "./errors.js";
import { DEFAULT_HUB_PORT } from "./hub-addr.js";

function parsePin(text: string): string {
  try {
    return parseCaPin(text);
  } catch (error) {
    if (error instanceof PkiError) throw invalidFlag(`--ca-pin: ${error.message}`);
    throw error;
  }
}

/**
 * The CA to trust for a hub: the one a previous login stored, else the one the hub presents if
 * it matches --ca-pin. A first login without a pin is refused, naming the pin the hub shows,
 * to be checked with an admin: trusting it blindly would send a password anywhere.
 */
export async function hubCa(
  hubAddr: string,
  known: string | undefined,
  pinFlag: string | undefined,
): Promise<string> {
  if (known !== undefined && pinFlag === undefined) return known;
  const { host, port } = hostPort({ defaultPort: DEFAULT_HUB_PORT })(hubAddr);
  let rootPem: string;
  try {
    rootPem = await presentedRootCa({ host, port });
  } catch (error) {
    throw new WarrenError(
      WarrenErrorCode.HubUnreachable,
      `cannot reach the hub at ${hubAddr}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const presented = caPin(rootPem);
  if (pinFlag === undefined) {
    throw new WarrenError(
      WarrenErrorCode.HubUntrusted,
      `first login to ${hubAddr}: it presents CA ${presented}. Check that pin with your admin ` +
        `(warrenctl status shows it), then run again with --ca-pin ${presented}`,
    );
  }
  const pin = parsePin(pinFlag);
  if (presented !== pin) {
    throw new WarrenError(
      WarrenErrorCode.HubUntrusted,
      `the server at ${hubAddr} presents CA ${presented}, not the pinned ${pin}: it is not your hub ` +
        "(or the hub was recreated); check --hub and --ca-pin",
    );
  }
  return rootPem;
}
