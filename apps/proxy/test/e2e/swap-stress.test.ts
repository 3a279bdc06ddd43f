/**
 * Many requests over three swap-group models at once: every request is answered by its own
 * model, and no two members ever run together (they share one port and one lock file, so an
 * overlap fails to start and shows as an error answer).
 */
import { describe, expect, test } from "vitest";
import { answeredBy, chat } from "./client.ts";
import { e2eRun } from "./harness.ts";
import { freePorts } from "./ports.ts";

/** A fixed pseudo-random sequence (LCG), so a failure replays with the same order. */
function sequence(length: number, choices: readonly string[], seed: number): string[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return choices[state % choices.length]!;
  });
}

describe.concurrent("e2e: swap stress", () => {
  test("six clients sending four requests each over three members sharing one port are all answered by their model", async (ctx) => {
    const run = e2eRun(ctx);
    const [port] = await freePorts(1);
    const ids = ["x", "y", "z"];
    const knobs = { startupDelayMs: 50, responseDelayMs: 30, exclusiveLock: "shared.lock" };
    const proxy = await run.startProxy({
      models: Object.fromEntries(ids.map((id) => [id, run.fake(id, port!, knobs)])),
      routing: { router: { use: "group", settings: { groups: { all: { swap: true, members: ids } } } } },
    });
    const order = sequence(24, ids, 7);
    // Each client waits for its answer before its next request, so new requests keep arriving
    // while swaps are under way instead of all collating behind the first load.
    const clients = Array.from({ length: 6 }, (_, c) => order.slice(c * 4, c * 4 + 4));

    const answers = await Promise.all(
      clients.map(async (mine) => {
        const got: { id: string; status: number; by: string; text: string }[] = [];
        for (const id of mine) {
          const res = await chat(proxy, id);
          got.push({ id, status: res.status, by: res.status === 200 ? answeredBy(res) : "", text: res.text });
        }
        return got;
      }),
    );

    for (const { id, status, by, text } of answers.flat()) {
      expect(status, `request for ${id}: ${text}`).toBe(200);
      expect(by).toBe(id);
    }
    const starts = run.starts.names();
    expect(new Set(starts), `starts: ${starts.join(" ")}`).toEqual(new Set(ids));
  });
});
