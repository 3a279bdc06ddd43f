import { afterAll, describe, expect, it } from "vitest";
import { createBodyRewriter } from "../src/body/body-rewriter.ts";
import type { RewriteTable } from "../src/body/rewrite.ts";
import { MalformedJsonError, MissingModelError, UnknownModelError } from "../src/http/errors.ts";
import { selectModel as selectFromParts } from "../src/http/model-routes.ts";
import { BodyParts } from "../src/http/read-body.ts";
import type { RouteContext } from "../src/http/route-context.ts";

const table: RewriteTable = {
  aliases: { whisper: "whisper-large" },
  models: {
    llama: { useModelName: "served-llama", stripParams: [], setParams: {}, setParamsByID: {} },
    "whisper-large": { useModelName: "openai/whisper", stripParams: [], setParams: {}, setParamsByID: {} },
  },
};
const rewriter = createBodyRewriter();
afterAll(() => rewriter.close());
// selectModel only reads the rewrite table and the rewriter.
const ctx = { table: () => table, rewriter } as unknown as RouteContext;
const url = (q = "") => new URL(`http://proxy/v1/x${q}`);
// selectModel answers small bodies synchronously (throwing on bad input); async makes every
// outcome a promise, as the route handler sees it.
// The route hands selectModel the body's chunks; one chunk is enough here.
const selectNowOrLater = (c: RouteContext, u: URL, type: string | undefined, body: Buffer) =>
  selectFromParts(c, u, type, new BodyParts([body], body.length));
const selectModel = async (...args: Parameters<typeof selectNowOrLater>) => selectNowOrLater(...args);

describe("route model extraction", () => {
  it("route model extraction: a small JSON body is answered synchronously, a large one by the pool", async () => {
    const small = selectNowOrLater(ctx, url(), "application/json", Buffer.from('{"model":"llama"}'));
    expect(small).not.toBeInstanceOf(Promise);
    expect(small).toMatchObject({ model: "llama" });
    const bigRewriter = createBodyRewriter({ thresholdBytes: 8 });
    try {
      const bigCtx = { table: () => table, rewriter: bigRewriter } as unknown as RouteContext;
      const large = selectNowOrLater(bigCtx, url(), "application/json", Buffer.from('{"model":"llama"}'));
      expect(large).toBeInstanceOf(Promise);
      await expect(large).resolves.toMatchObject({ model: "llama", requested: "llama" });
    } finally {
      await bigRewriter.close();
    }
  });

  it("route model extraction: JSON body, rewritten, with the stream flag", async () => {
    const body = Buffer.from(JSON.stringify({ model: "llama", stream: true }));
    const out = await selectModel(ctx, url(), "application/json", body);
    expect(out).toMatchObject({ model: "llama", requested: "llama", stream: true });
    expect(JSON.parse(out.body.toString()).model).toBe("served-llama");
  });

  it("route model extraction: JSON sent with curl's form content type is still JSON", async () => {
    const body = Buffer.from('{"model":"llama"}');
    const out = await selectModel(ctx, url(), "application/x-www-form-urlencoded", body);
    expect(out.model).toBe("llama");
  });

  it("route model extraction: multipart field resolves an alias and gets useModelName", async () => {
    const boundary = "xyz";
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n--${boundary}--\r\n`,
    );
    const out = await selectModel(ctx, url(), `multipart/form-data; boundary=${boundary}`, body);
    expect(out).toMatchObject({ model: "whisper-large", requested: "whisper", stream: false });
    expect(out.body.toString()).toBe(
      body.toString().replace("\r\n\r\nwhisper\r\n", "\r\n\r\nopenai/whisper\r\n"),
    );
  });

  it("route model extraction: ?model= for bodies that are not JSON", async () => {
    const out = await selectModel(ctx, url("?model=llama"), "audio/wav", Buffer.from("RIFF...."));
    expect(out.model).toBe("llama");
    const empty = await selectModel(ctx, url("?model=whisper"), undefined, Buffer.alloc(0));
    expect(empty.model).toBe("whisper-large");
  });

  it("route model extraction: malformed JSON 400, missing model 400, unknown model 404", async () => {
    await expect(
      selectModel(ctx, url(), "application/json", Buffer.from('{"model":')),
    ).rejects.toBeInstanceOf(MalformedJsonError);
    await expect(selectModel(ctx, url(), "application/json", Buffer.from("{}"))).rejects.toBeInstanceOf(
      MissingModelError,
    );
    await expect(
      selectModel(ctx, url(), "application/json", Buffer.from('{"model":"nope"}')),
    ).rejects.toBeInstanceOf(UnknownModelError);
    await expect(selectModel(ctx, url(), undefined, Buffer.alloc(0))).rejects.toBeInstanceOf(
      MissingModelError,
    );
  });
});
