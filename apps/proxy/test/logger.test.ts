import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { createLogger, hubLine } from "../src/logger.ts";
import { LogHub } from "../src/logs/log-hub.ts";

describe("logger: the log hub's copy of the proxy's lines", () => {
  it("hubLine: level, message, then fields as key=value (strings bare, others JSON)", () => {
    expect(hubLine("info", [{ model: "m", status: 200, tags: ["a"] }, "request served"])).toBe(
      'info: request served model=m status=200 tags=["a"]',
    );
    expect(hubLine("warn", ["plain message"])).toBe("warn: plain message");
    expect(hubLine("error", [{ err: new Error("boom") }, "failed"])).toBe("error: failed err=boom");
    expect(hubLine("error", [new Error("bare")])).toBe("error: bare err=bare");
  });

  it("every enabled call reaches the hub, disabled levels do not", () => {
    const hub = new LogHub();
    const logger = createLogger(hub, "info", "none");
    logger.info({ recordFile: "/tmp/x" }, "orphan sweep done");
    logger.debug("not at info");
    expect(hub.tail("proxy")).toEqual(["info: orphan sweep done recordFile=/tmp/x"]);
  });
});

describe("logger: exit", () => {
  it("closeLogs: with stdout's reader gone, lines still queued at exit do not keep the process alive", async () => {
    const fixture = fileURLToPath(new URL("./fixtures/log-then-exit.ts", import.meta.url));
    const child = spawn(process.execPath, [fixture], { stdio: ["pipe", "pipe", "pipe"] });
    onTestFinished(() => {
      child.kill("SIGKILL");
    });
    const exited = once(child, "exit");
    await new Promise<void>((resolve) => child.stderr.once("data", () => resolve()));
    // The reader leaves: every write the child makes to stdout now fails with EPIPE.
    child.stdout.destroy();
    child.stdin.write("go\n");
    // Without closeLogs the child sleeps in sonic-boom's exit-time flushSync forever and
    // this await runs into the test's timeout.
    const [code] = await exited;
    expect(code).toBe(0);
  }, 20_000);
});
