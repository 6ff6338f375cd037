import type { Command } from "../command.js";
import { agentsPing } from "./agents/ping.js";
import { agentsRm } from "./agents/rm.js";
import { authLogin } from "./auth/login.js";
import { clustersLs } from "./clusters/ls.js";
import { tokensAdd } from "./tokens/add.js";
import { tokensLs } from "./tokens/ls.js";
import { tokensRm } from "./tokens/rm.js";

/** Every `warrenctl <noun> <verb>`, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  tokensAdd,
  tokensLs,
  tokensRm,
  clustersLs,
  agentsPing,
  agentsRm,
  authLogin,
];
