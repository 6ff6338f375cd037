#!/usr/bin/env node
import { runMain } from "@warren/cli";

import { agentMain, isAgentUserError } from "./cli.js";

process.exitCode = await runMain(
  () => agentMain(process.argv.slice(2), { stdout: process.stdout, env: process.env }),
  { program: "warren-agent", isUserError: isAgentUserError },
);
