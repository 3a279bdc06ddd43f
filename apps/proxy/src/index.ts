/** @hotswap/proxy's public entry: run the proxy in-process (tests, benches) or via the CLI. */
export { type CloseOptions, type ProxyHandle, type StartProxyOptions, startProxy } from "./app.ts";
export { runCli } from "./cli.ts";
export { DEMO_MODELS, demoConfigText } from "./demo-config.ts";
export * from "./http/errors.ts";
export { parseListen } from "./http/server.ts";
export { RunLoop } from "./run-loop.ts";
