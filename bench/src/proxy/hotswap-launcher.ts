/**
 * CLI: runs the proxy in-process with an explicit piscina rewrite threshold, for the bodies
 * bench's "forced inline" variant (the hotswap CLI has no flag for it; `startProxy` takes
 * `inlineBodyThresholdBytes`).
 *   node hotswap-launcher.ts --config FILE [--inline-threshold BYTES|inf]
 * Prints "hotswap listening on URL" like the CLI and stops on SIGTERM/SIGINT.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type StartProxyOptions, startProxy } from "@hotswap/proxy";

type ResolvedConfig = StartProxyOptions["config"];
interface ConfigModule {
  loadConfig(path: string): Promise<{ config: ResolvedConfig }>;
}

const { values } = parseArgs({
  options: { config: { type: "string" }, "inline-threshold": { type: "string" } },
});
if (values.config === undefined) {
  process.stderr.write("hotswap-launcher: --config FILE is required\n");
  process.exit(2);
}
// @hotswap/config is a dependency of the proxy, not of the bench: resolve it from there.
const requireFromProxy = createRequire(import.meta.resolve("@hotswap/proxy"));
const configModule = (await import(
  pathToFileURL(requireFromProxy.resolve("@hotswap/config")).href
)) as ConfigModule;
const { config } = await configModule.loadConfig(values.config);
const raw = values["inline-threshold"];
const threshold = raw === undefined ? undefined : raw === "inf" ? Number.POSITIVE_INFINITY : Number(raw);
const proxy = await startProxy({
  config,
  listen: { host: "127.0.0.1", port: 0 },
  recordFile: null,
  ...(threshold === undefined ? {} : { inlineBodyThresholdBytes: threshold }),
});
process.stdout.write(`hotswap listening on ${proxy.url}\n`);
proxy.preload(config.preload);
const stop = (): void => {
  proxy.close({ graceMs: 5000 }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
