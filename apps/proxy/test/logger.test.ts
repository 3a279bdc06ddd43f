import { describe, expect, it } from "vitest";
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
