#!/usr/bin/env node
import { shutdownSignal } from "@warren/cli";

import { warren } from "./main.js";

// Ctrl-C stops a login waiting for the browser, cleanly.
const abort = new AbortController();
void shutdownSignal().then(() => {
  abort.abort();
});

process.exitCode = await warren(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: abort.signal,
});
