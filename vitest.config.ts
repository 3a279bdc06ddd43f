import { defineConfig } from "vitest/config";

// .ci/run sets HOTSWAP_VITEST_JSON so it can print the plain "N passed, N failed" line CI reads.
const jsonReport = process.env.HOTSWAP_VITEST_JSON;

export default defineConfig({
  test: {
    include: [
      "{packages,apps}/*/test/**/*.test.ts",
      "property-tests/test/**/*.test.ts",
      "bench/test/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    ...(jsonReport ? { reporters: ["default", "json"], outputFile: { json: jsonReport } } : {}),
  },
});
