import type { Command } from "../command.js";

/** A command by the words that name it, loaded when run: kubectl runs the plugin per process. */
export interface CommandEntry {
  words: readonly string[];
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { words: ["login"], load: async () => (await import("./login.js")).login },
  { words: ["status"], load: async () => (await import("./status.js")).status },
  { words: ["logout"], load: async () => (await import("./logout.js")).logout },
  { words: ["kube", "ls"], load: async () => (await import("./kube-ls.js")).kubeLs },
  { words: ["kube", "login"], load: async () => (await import("./kube-login.js")).kubeLogin },
  {
    words: ["kube", "credentials"],
    load: async () => (await import("./kube-credentials.js")).kubeCredentials,
  },
];

export const loadAll = (): Promise<Command[]> => Promise.all(COMMANDS.map((c) => c.load()));
