import { createInterface } from "node:readline";

import { invalidFlag } from "../errors.js";

/** The first line of a stream (a password piped in: --password-stdin). */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

/** Asks on the terminal without echoing what is typed. */
function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    return Promise.reject(
      invalidFlag("no terminal to ask for a password on: pipe it in with --password-stdin"),
    );
  }
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let typed = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          done();
          return;
        }
        if (char === "\u0003") {
          done(invalidFlag("cancelled"));
          return;
        }
        typed = char === "\u007f" ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on("data", onData);
  });
}

export interface PasswordSource {
  fromStdin: boolean;
  stdin: NodeJS.ReadableStream;
}

/** A password: piped in, or typed at a prompt. */
export async function readPassword(source: PasswordSource, question: string): Promise<string> {
  const password = source.fromStdin ? await firstLine(source.stdin) : await prompt(question);
  if (password === "") throw invalidFlag("the password is empty");
  return password;
}

/** A new password: piped in once, or typed twice to catch a typo. */
export async function readNewPassword(source: PasswordSource): Promise<string> {
  const password = await readPassword(source, "New password: ");
  if (source.fromStdin) return password;
  if ((await prompt("Again: ")) !== password) throw invalidFlag("the two passwords differ");
  return password;
}
