#!/usr/bin/env node
// Node's compile cache keeps the TypeScript stripper (~10-18 MB per thread) out of threads
// whose sources it has seen before. Only threads started after this line get it (the worker
// threads); `pnpm start` sets the variable before Node starts, so there the main thread has
// it too.
process.env.NODE_COMPILE_CACHE ??= new URL(
  "../../../node_modules/.cache/node-compile",
  import.meta.url,
).pathname;
await import("../src/main.ts");
