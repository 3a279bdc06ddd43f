/**
 * How model processes are launched and stopped: `${PORT}` from startPort with the default
 * proxy address, macros, env, and cmdStop with `${PID}`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { answeredBy, chat, http, pollUntil } from "./client.ts";
import { e2eRun, PORT_MACRO } from "./harness.ts";
import { freePortBlock, freePorts } from "./ports.ts";
import { isLive, procInfo } from "./processes.ts";

/** `${name}` as a config macro reference. */
const ref = (name: string): string => `\${${name}}`;

describe.concurrent("e2e: process launch", () => {
  test("the PORT macro numbers models from startPort in id order, the default proxy reaches them, macros and env apply", async (ctx) => {
    const run = e2eRun(ctx);
    const startPort = await freePortBlock(2);
    const proxy = await run.startProxy({
      startPort,
      macros: { serve: run.fakeCmd("MODEL", PORT_MACRO).replace(" --name MODEL", "") },
      models: {
        beta: { cmd: `${ref("serve")} --name beta` },
        alpha: { cmd: `${ref("serve")} --name ${ref("MODEL_ID")}`, env: ["HOTSWAP_E2E_PROBE=alpha-env"] },
      },
    });

    const a = await chat(proxy, "alpha");
    expect(a.status, a.text).toBe(200);
    expect(answeredBy(a)).toBe("alpha");
    expect(procInfo(run.starts.lastPid("alpha"))?.cmdline, "alpha sorts first").toContain(
      `--port ${startPort} `,
    );
    const b = await chat(proxy, "beta");
    expect(b.status, b.text).toBe(200);
    expect(answeredBy(b)).toBe("beta");

    const [alpha] = run.starts.startsOf("alpha");
    const [beta] = run.starts.startsOf("beta");
    expect(alpha?.probe, "the model's env reaches its process").toBe("alpha-env");
    expect(beta?.probe).toBeNull();
    expect(procInfo(beta!.pid)?.cmdline).toContain(`--port ${startPort + 1} `);
  });

  test("cmdStop stops the model, with the PID macro replaced by the process id", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const marker = join(run.dir, "stopped-pid.txt");
    const stopScript =
      "require('node:fs').writeFileSync(process.argv[1], process.argv[2]); process.kill(Number(process.argv[2]), 'SIGKILL')";
    const proxy = await run.startProxy({
      models: {
        docker: run.fake(
          "docker",
          port!,
          // Ignoring SIGTERM: only the cmdStop (or the force-kill after a long grace) stops it.
          { ignoreSigterm: "always" },
          { cmdStop: `${process.execPath} -e "${stopScript}" ${marker} ${ref("PID")}`, unloadTimeout: 30 },
        ),
      },
    });
    expect(answeredBy(await chat(proxy, "docker"))).toBe("docker");
    const pid = run.starts.lastPid("docker");

    const res = await http("POST", `${proxy.url}/api/models/unload`);

    expect(res.status, res.text).toBe(200);
    await pollUntil("the model to be stopped", async () => (isLive(pid) ? undefined : true), 10_000);
    expect(readFileSync(marker, "utf8")).toBe(String(pid));
  });
});
