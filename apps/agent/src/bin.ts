#!/usr/bin/env -S node --max-semi-space-size=64
// A young generation of 64 MiB: the tunnel allocates a buffer per SSH packet and HTTP/2 frame,
// and with Node's default the scavenger, not the work, bounds throughput (measured: twice the
// bytes per second through a tunnel).
import { runMain } from "@warren/cli";

import { agentMain, isAgentUserError } from "./cli.js";

process.exitCode = await runMain(
  () => agentMain(process.argv.slice(2), { stdout: process.stdout, env: process.env }),
  { program: "warren-agent", isUserError: isAgentUserError },
);
