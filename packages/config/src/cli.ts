#!/usr/bin/env node
/** `hotswap-config validate FILE`: see `runValidate`. */
import { runValidate } from "./run-validate.ts";

const [command, ...rest] = process.argv.slice(2);
const io = { stdout: (l: string) => console.log(l), stderr: (l: string) => console.error(l) };
if (command === "validate") {
  process.exitCode = await runValidate(rest, io);
} else {
  io.stderr("usage: hotswap-config validate FILE");
  process.exitCode = 2;
}
