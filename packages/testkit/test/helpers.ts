import { afterEach } from "vitest";
import { type SpawnedFakeUpstream, spawnFakeUpstream } from "../src/index.ts";

const running: SpawnedFakeUpstream[] = [];

/** Spawns a fake upstream that is SIGKILLed after the test if still running. */
export async function fake(args: readonly string[] = []): Promise<SpawnedFakeUpstream> {
  const up = await spawnFakeUpstream(args);
  running.push(up);
  return up;
}

afterEach(async () => {
  const all = running.splice(0);
  await Promise.all(
    all.map(async (up) => {
      if (up.child.exitCode === null && up.child.signalCode === null) up.child.kill("SIGKILL");
      await up.exited;
    }),
  );
});

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Polls `probe` until it returns true: used to observe server-side state, not to wait for time. */
export async function until(probe: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await probe()) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** Reads an SSE body and returns the `data:` payloads in order. */
export async function sseData(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => l.slice("data: ".length));
}
