/**
 * CLI: a fake OpenAI-compatible upstream, run as a real child process.
 *   node fake-upstream.ts --port 0 --name a [--startup-delay MS] [--chunks N] ...
 * Prints "listening on HOST:PORT" once bound. Exit codes: 1 = crash knob fired, port in
 * use or lock held; 2 = bad flags. See options.ts for every knob.
 */
import { spawn } from "node:child_process";
import { acquireLock } from "./exclusive-lock.ts";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream-server.ts";
import { FakeUpstreamUsageError, parseFakeUpstreamArgs } from "./options.ts";

function die(message: string, code: number): never {
  process.stderr.write(`fake-upstream: ${message}\n`);
  process.exit(code);
}

function parse() {
  try {
    return parseFakeUpstreamArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof FakeUpstreamUsageError) die(err.message, 2);
    throw err;
  }
}

async function main(): Promise<void> {
  const options = parse();
  if (options.exclusiveLock !== null) {
    const lock = acquireLock(options.exclusiveLock);
    if (!lock.ok) die(`lock ${options.exclusiveLock} is held by pid ${lock.holder}`, 1);
  }
  for (let i = 1; i <= options.logLines; i++) {
    (i % 2 === 1 ? process.stdout : process.stderr).write(
      `${options.name} log line ${i} of ${options.logLines}\n`,
    );
  }
  // Installed before binding: a SIGTERM right after "listening on" must already be handled.
  let upstream: FakeUpstream | undefined;
  if (options.ignoreSigterm !== "no") {
    process.on("SIGTERM", () => {
      const busy = upstream?.nonStreamingInFlight() ?? 0;
      if (options.ignoreSigterm === "always" || busy > 0) {
        process.stderr.write(`${options.name}: ignoring SIGTERM (${busy} request(s) in flight)\n`);
        return;
      }
      process.stderr.write(`${options.name}: SIGTERM, exiting\n`);
      process.exit(0);
    });
  }
  upstream = await startFakeUpstream(options, {
    onCrash: (reason) => die(`${options.name}: ${reason}`, 1),
    // Like llama-server, say when loading is done (supervisors may react to output).
    onLoaded: () => process.stdout.write(`${options.name}: model loaded\n`),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EADDRINUSE") {
      die(`cannot listen on ${options.host}:${options.port}: address already in use (EADDRINUSE)`, 1);
    }
    die(`cannot listen on ${options.host}:${options.port}: ${err.message}`, 1);
  });
  const { port } = upstream;
  process.stdout.write(`listening on ${options.host}:${port}\n`);
  if (options.forkGrandchild) {
    // Same process group, shares our stdout/stderr: a supervisor must kill the whole group.
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.unref();
    process.stdout.write(`grandchild ${child.pid}\n`);
  }
}

await main();
