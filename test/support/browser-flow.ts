import { request } from "node:https";

/** What the browser ended on. */
export interface BrowserPage {
  url: string;
  status: number;
  body: string;
}

interface Hop {
  status: number;
  location: string | undefined;
  cookies: string[];
  body: string;
}

/** GET or POST over https trusting only `caPem` (the hub's web address). */
function httpsHop(url: URL, caPem: string): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: caPem }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, cookies: [], body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

async function httpHop(url: URL, cookie: string, form?: URLSearchParams): Promise<Hop> {
  const response = await fetch(url, {
    method: form ? "POST" : "GET",
    redirect: "manual",
    headers: { cookie, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    ...(form ? { body: form.toString() } : {}),
  });
  return {
    status: response.status,
    location: response.headers.get("location") ?? undefined,
    cookies: response.headers.getSetCookie(),
    body: await response.text(),
  };
}

/**
 * A person at a browser, driven over HTTP: follows the redirects from the login URL through
 * the identity provider, submits its login form as `login`, and goes on through the hub's
 * callback to wherever that sends the browser (the CLI's loopback page). Cookies are kept per
 * host, as a browser keeps them.
 */
export async function browseLogin(
  startUrl: string,
  options: { login: string; hubCaPem: string },
): Promise<BrowserPage> {
  const jar = new Map<string, Map<string, string>>();
  let url = new URL(startUrl);
  let form: URLSearchParams | undefined;
  for (let hops = 0; hops < 20; hops++) {
    const cookies = jar.get(url.host) ?? new Map<string, string>();
    jar.set(url.host, cookies);
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const hop =
      url.protocol === "https:"
        ? await httpsHop(url, options.hubCaPem)
        : await httpHop(url, cookie, form);
    form = undefined;
    for (const set of hop.cookies) {
      const [pair] = set.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (pair && at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    if (hop.location !== undefined && hop.status >= 300 && hop.status < 400) {
      url = new URL(hop.location, url);
      continue;
    }
    const action = /<form[^>]*action="([^"]+)"/.exec(hop.body)?.[1];
    if (hop.status === 200 && action !== undefined && hop.body.includes('name="login"')) {
      url = new URL(action.replace(/&amp;/g, "&"), url);
      form = new URLSearchParams({
        prompt: "login",
        login: options.login,
        password: "correct horse",
      });
      continue;
    }
    return { url: url.toString(), status: hop.status, body: hop.body };
  }
  throw new Error(`the login did not finish within 20 hops (last: ${url.toString()})`);
}
