export {
  type FakeUpstream,
  type FakeUpstreamHooks,
  type FakeUpstreamStats,
  startFakeUpstream,
} from "./fake-upstream-server.ts";
export {
  defaultOptions,
  type FakeUpstreamOptions,
  FakeUpstreamUsageError,
  type IgnoreSigterm,
  parseFakeUpstreamArgs,
} from "./options.ts";
export { FAKE_UPSTREAM_PATH } from "./paths.ts";
export { freePort, freePorts } from "./ports.ts";
export { answerText } from "./routes.ts";
export {
  FakeUpstreamStartError,
  type SpawnedFakeUpstream,
  spawnFakeUpstream,
} from "./spawn-fake-upstream.ts";
