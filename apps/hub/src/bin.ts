#!/usr/bin/env node
import { runMain } from "@warren/cli";

import { hubMain, isHubUserError } from "./cli.js";

process.exitCode = await runMain(
  () => hubMain(process.argv.slice(2), { stdout: process.stdout, env: process.env }),
  { program: "warren-hub", isUserError: isHubUserError },
);
