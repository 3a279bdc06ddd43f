import { fileURLToPath } from "node:url";

/** Absolute path of the fake upstream's CLI entry: run it as `node FAKE_UPSTREAM_PATH --port 0 ...`. */
export const FAKE_UPSTREAM_PATH: string = fileURLToPath(new URL("./fake-upstream.ts", import.meta.url));
