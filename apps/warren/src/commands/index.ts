import type { Command } from "../command.js";
import { kubeCredentials } from "./kube-credentials.js";
import { kubeLogin } from "./kube-login.js";
import { kubeLs } from "./kube-ls.js";
import { login } from "./login.js";
import { logout } from "./logout.js";
import { status } from "./status.js";

export const COMMANDS: readonly Command[] = [
  login,
  status,
  logout,
  kubeLs,
  kubeLogin,
  kubeCredentials,
];
