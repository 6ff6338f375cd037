import type { Command } from "../command.js";
import { agentsPing } from "./agents/ping.js";
import { agentsRm } from "./agents/rm.js";
import { auditLs } from "./audit/ls.js";
import { authLogin } from "./auth/login.js";
import { authSign } from "./auth/sign.js";
import { clustersLs } from "./clusters/ls.js";
import { doctor } from "./doctor/doctor.js";
import { create } from "./roles/create.js";
import { rolesLs } from "./roles/ls.js";
import { rolesRm } from "./roles/rm.js";
import { tokensAdd } from "./tokens/add.js";
import { tokensLs } from "./tokens/ls.js";
import { tokensRm } from "./tokens/rm.js";
import { usersAdd } from "./users/add.js";
import { usersLs } from "./users/ls.js";
import { usersRm } from "./users/rm.js";
import { usersUpdate } from "./users/update.js";

/** Every `warrenctl <noun> <verb>`, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  tokensAdd,
  tokensLs,
  tokensRm,
  clustersLs,
  agentsPing,
  agentsRm,
  authLogin,
  usersAdd,
  usersUpdate,
  usersLs,
  usersRm,
  create,
  rolesLs,
  rolesRm,
  authSign,
  auditLs,
  doctor,
];
