import { describe, expect, it } from "vitest";
import { ShuttingDownError } from "../src/http/errors.ts";
import { type FrameSink, LoadingStateWriter, reasoningFrame } from "../src/http/loading-state.ts";

class RecordingSink implements FrameSink {
  readonly writes: string[] = [];
  writableEnded = false;
  destroyed = false;
  write(chunk: string): boolean {
    if (this.writableEnded) throw new Error("write after end");
    this.writes.push(chunk);
    return true;
  }
  end(): void {
    this.writableEnded = true;
  }
}

/** Each write must be exactly one SSE frame: one `data:` line ending in a blank line. */
function expectWholeFrames(writes: readonly string[]): void {
  for (const write of writes) {
    expect(write).toMatch(/^data: [^\n]*\n\n(data: [^\n]*\n\n)*$/);
  }
}

function reasoningOf(frame: string): string {
  const chunk = JSON.parse(frame.slice("data: ".length)) as {
    choices: { delta: { reasoning_content: string } }[];
  };
  return chunk.choices[0]?.delta.reasoning_content ?? "";
}

describe("loading state", () => {
  it("loading state: writes whole frames with progress in delta.reasoning_content", () => {
    const sink = new RecordingSink();
    const writer = new LoadingStateWriter(sink, {
      requestId: "r1",
      requested: "llama",
      created: 1,
      heartbeatMs: 0,
    });
    writer.begin(false);
    writer.progress({ position: 2, loading: false });
    writer.progress({ position: 2, loading: false });
    writer.progress({ position: 0, loading: true });
    writer.ready();
    expectWholeFrames(sink.writes);
    const text = sink.writes.map(reasoningOf).join("");
    expect(text).toContain("waiting for model llama");
    expect(text).toContain("queue position 2");
    expect(text).toContain("loading model llama");
    expect(text).toContain("model llama ready");
    // Position 2 twice is reported once.
    expect(text.match(/queue position 2/g)).toHaveLength(1);
    expect(sink.writableEnded).toBe(false);
  });

  it("loading state: nothing is written after stop, so the upstream stream follows cleanly", () => {
    const sink = new RecordingSink();
    const writer = new LoadingStateWriter(sink, {
      requestId: "r1",
      requested: "m",
      created: 1,
      heartbeatMs: 0,
    });
    writer.begin(true);
    writer.stop();
    const count = sink.writes.length;
    writer.progress({ position: 3, loading: true });
    writer.ready();
    expect(sink.writes).toHaveLength(count);
  });

  it("loading state: a failure writes one error frame and [DONE], then ends; later calls write nothing", () => {
    const sink = new RecordingSink();
    const writer = new LoadingStateWriter(sink, {
      requestId: "r1",
      requested: "m",
      created: 1,
      heartbeatMs: 0,
    });
    writer.begin(true);
    writer.fail(new ShuttingDownError());
    writer.fail(new ShuttingDownError());
    writer.progress({ position: 1, loading: true });
    expectWholeFrames(sink.writes);
    expect(sink.writableEnded).toBe(true);
    const last = sink.writes.at(-1) ?? "";
    expect(last).toContain('"code":"shutting_down"');
    expect(last.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("loading state: a model already starting is announced as loading once", () => {
    const sink = new RecordingSink();
    const writer = new LoadingStateWriter(sink, {
      requestId: "r1",
      requested: "m",
      created: 1,
      heartbeatMs: 0,
    });
    writer.begin(true);
    writer.progress({ position: 0, loading: true });
    const text = sink.writes.map(reasoningOf).join("");
    expect(text.match(/loading model m/g)).toHaveLength(1);
    expect(text).not.toContain("waiting for");
  });

  it("loading state: the first frame carries the assistant role", () => {
    const first = JSON.parse(reasoningFrame("id", "m", 1, "x", true).slice(6));
    const later = JSON.parse(reasoningFrame("id", "m", 1, "x", false).slice(6));
    expect(first.choices[0].delta).toEqual({ role: "assistant", reasoning_content: "x" });
    expect(later.choices[0].delta).toEqual({ reasoning_content: "x" });
    expect(first.object).toBe("chat.completion.chunk");
  });
});
