/** Every invariant family, in the brief's order (1-8), then the extra ones (9). */
import { concurrencyLimit } from "./concurrency-limit.ts";
import { determinism } from "./determinism.ts";
import { grantToReady } from "./grant-to-ready.ts";
import type { InvariantFamily } from "./monitor.ts";
import { oneAnswer } from "./one-answer.ts";
import { residentAllowed } from "./resident-allowed.ts";
import { serialOrder } from "./serial-order.ts";
import { startWhenAllowed } from "./start-when-allowed.ts";
import { starvationBound } from "./starvation-bound.ts";
import { stopWhileServing } from "./stop-while-serving.ts";

export const allFamilies: readonly InvariantFamily[] = [
  stopWhileServing,
  grantToReady,
  oneAnswer,
  residentAllowed,
  startWhenAllowed,
  concurrencyLimit,
  starvationBound,
  determinism,
  serialOrder,
];

export {
  concurrencyLimit,
  determinism,
  grantToReady,
  oneAnswer,
  residentAllowed,
  startWhenAllowed,
  starvationBound,
  stopWhileServing,
};
