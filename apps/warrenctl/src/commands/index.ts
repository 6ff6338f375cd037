import type { Command } from "../command.js";
import { agentsPing } from "./agents/ping.js";
import { agentsRm } from "./agents/rm.js";
import { auditLs } from "./audit/ls.js";
import { recordingsLs } from "./recordings/ls.js";
import { recordingsPlay } from "./recordings/play.js";
import { authLogin } from "./auth/login.js";
import { authRotate } from "./auth/rotate.js";
import { authSign } from "./auth/sign.js";
import { clustersLabel } from "./clusters/label.js";
import { clustersLs } from "./clusters/ls.js";
import { clustersRm } from "./clusters/rm.js";
import { doctor } from "./doctor/doctor.js";
import { create } from "./roles/create.js";
import { rolesLs } from "./roles/ls.js";
import { rolesRm } from "./roles/rm.js";
import { status } from "./status/status.js";
import { tokensAdd } from "./tokens/add.js";
import { tokensLs } from "./tokens/ls.js";
import { tokensRm } from "./tokens/rm.js";
import { adminsLs } from "./admins/ls.js";
import { adminsRm } from "./admins/rm.js";
import { connectorsLs } from "./connectors/ls.js";
import { connectorsRm } from "./connectors/rm.js";
import { provisionTokensLs } from "./provision-tokens/ls.js";
import { provisionTokensRm } from "./provision-tokens/rm.js";
import { usersAdd } from "./users/add.js";
import { usersInvite } from "./users/invite.js";
import { usersLogout } from "./users/logout.js";
import { usersSessions } from "./users/sessions.js";
import { usersLock } from "./users/lock.js";
import { usersLs } from "./users/ls.js";
import { usersRm } from "./users/rm.js";
import { usersUnlock } from "./users/unlock.js";
import { usersUpdate } from "./users/update.js";

/** Every `warrenctl <noun> <verb>`, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  status,
  tokensAdd,
  tokensLs,
  tokensRm,
  clustersLs,
  clustersLabel,
  clustersRm,
  agentsPing,
  agentsRm,
  authLogin,
  authRotate,
  usersAdd,
  usersUpdate,
  usersLs,
  usersRm,
  usersLock,
  usersUnlock,
  usersInvite,
  usersSessions,
  usersLogout,
  create,
  rolesLs,
  rolesRm,
  connectorsLs,
  connectorsRm,
  provisionTokensLs,
  provisionTokensRm,
  adminsLs,
  adminsRm,
  authSign,
  auditLs,
  recordingsLs,
  recordingsPlay,
  doctor,
];
