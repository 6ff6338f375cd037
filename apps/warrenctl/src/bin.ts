#!/usr/bin/env node
import { warrenctl } from "./main.js";

process.exitCode = await warrenctl(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
