import type { CallbackOutcome } from "../login/sso-logins.js";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);

/** The page the browser shows after the provider: the outcome, and the code the terminal shows. */
export function callbackPage(outcome: CallbackOutcome): string {
  const title = outcome.ok ? "Logged in to Warren" : "Warren login failed";
  const code =
    outcome.userCode === ""
      ? ""
      : `<p>Login code: <code>${escape(outcome.userCode)}</code> (it matches the one in your terminal)</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>${escape(outcome.message)}</p>${code}</body></html>
`;
}
