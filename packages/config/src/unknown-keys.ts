/**
 * Warnings for keys hotswap ignores: llama-swap keys it does not act on yet
 * (`UNSUPPORTED_KEYS`, one warning per key) and keys neither llama-swap nor hotswap knows.
 */
import type { PathSegment } from "./locate.ts";
import type { ProblemList } from "./problems.ts";
import { findUnknownKeys } from "./schema/check.ts";
import { modelSchema } from "./schema/model.ts";
import { peerSchema } from "./schema/peer.ts";
import { topSchema } from "./schema/top.ts";
import { UNSUPPORTED_KEYS } from "./unsupported.ts";

export function reportUnknownKeys(data: Record<string, unknown>, problems: ProblemList): void {
  const unknown = (path: readonly PathSegment[]) =>
    problems.warning(
      path,
      `unknown key ${JSON.stringify(String(path.at(-1)))}: not a llama-swap or hotswap setting; ignored`,
      "key",
    );
  findUnknownKeys(topSchema, data, [], unknown);
  const models = data.models;
  const isMap = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isMap(models)) {
    for (const [id, model] of Object.entries(models))
      findUnknownKeys(modelSchema, model, ["models", id], unknown);
  }
  const peers = data.peers;
  if (isMap(peers)) {
    for (const [id, peer] of Object.entries(peers)) findUnknownKeys(peerSchema, peer, ["peers", id], unknown);
  }
  for (const [key, reason] of Object.entries(UNSUPPORTED_KEYS)) {
    const message = `${key.replace("models.*.", "")} is not supported by hotswap yet (${reason}); ignored`;
    if (key.startsWith("models.*.")) {
      const field = key.slice("models.*.".length);
      const first = isMap(models)
        ? Object.keys(models).find((id) => isMap(models[id]) && Object.hasOwn(models[id], field))
        : undefined;
      if (first !== undefined) problems.warning(["models", first, field], `${message} in every model`, "key");
    } else if (Object.hasOwn(data, key)) {
      problems.warning([key], message, "key");
    }
  }
}
