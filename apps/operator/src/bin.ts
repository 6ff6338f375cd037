#!/usr/bin/env node
import { runMain } from "@warren/cli";

import { isOperatorUserError, operatorMain } from "./cli.js";

process.exitCode = await runMain(
  () => operatorMain(process.argv.slice(2), { stdout: process.stdout, env: process.env }),
  { program: "warren-operator", isUserError: isOperatorUserError },
);
