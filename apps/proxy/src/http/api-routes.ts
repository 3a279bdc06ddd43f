/** llama-swap's management routes: the model list, running processes, unloading. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResolvedConfig, ResolvedModel } from "@hotswap/config";
import { resolveModelId } from "../body/rewrite.ts";
import { UnknownModelError } from "./errors.ts";
import { sendJson, sendText } from "./respond.ts";
import type { RouteContext } from "./route-context.ts";

function modelRecord(id: string, model: ResolvedModel, created: number): Record<string, unknown> {
  const record: Record<string, unknown> = { id, object: "model", created, owned_by: "hotswap" };
  if (model.name.trim() !== "") record.name = model.name.trim();
  if (model.description.trim() !== "") record.description = model.description.trim();
  if (Object.keys(model.metadata).length > 0) record.meta = { llamaswap: model.metadata };
  return record;
}

/** Pure. The `/v1/models` body: listed models (and their aliases if configured), sorted by id. */
export function modelList(config: ResolvedConfig, created: number): { object: "list"; data: unknown[] } {
  const data: Record<string, unknown>[] = [];
  for (const [id, model] of Object.entries(config.models)) {
    if (model.unlisted) continue;
    data.push(modelRecord(id, model, created));
    if (!config.includeAliasesInList) continue;
    for (const alias of model.aliases) data.push(modelRecord(alias, model, created));
  }
  data.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  return { object: "list", data };
}

/** Pure-ish. The `/running` body, llama-swap's shape. */
export function runningList(ctx: RouteContext): { running: unknown[] } {
  const config = ctx.config();
  const running = ctx.processes.list().map((entry) => {
    const model = config.models[entry.model];
    return {
      model: entry.model,
      state: entry.phase,
      cmd: model?.cmd ?? "",
      proxy: model?.proxy ?? "",
      ttl: Math.round((model?.ttlMs ?? 0) / 1000),
      name: model?.name ?? "",
      description: model?.description ?? "",
    };
  });
  return { running };
}

/** Unloads (letting in-flight requests finish) and answers once the processes are gone. */
async function unload(
  ctx: RouteContext,
  res: ServerResponse,
  models: readonly string[] | "all",
): Promise<void> {
  ctx.dispatch({ type: "unloadRequested", models, wait: true, at: ctx.now() });
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ctx.unloadWaitMs);
  });
  await Promise.race([ctx.processes.whenGone(models), bound]);
  clearTimeout(timer);
  sendText(res, 200, "OK");
}

/** Handles the route if it is one of ours; returns false otherwise. */
export async function handleApiRoute(
  ctx: RouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const method = req.method ?? "GET";
  const path = url.pathname;
  if (method === "GET" && path === "/v1/models") {
    sendJson(res, 200, modelList(ctx.config(), ctx.startedAt));
    return true;
  }
  if (method === "GET" && path === "/running") {
    sendJson(res, 200, runningList(ctx));
    return true;
  }
  if ((method === "GET" && path === "/unload") || (method === "POST" && path === "/api/models/unload")) {
    await unload(ctx, res, "all");
    return true;
  }
  if (method === "POST" && path.startsWith("/api/models/unload/")) {
    const requested = decodeURIComponent(path.slice("/api/models/unload/".length));
    const model = resolveModelId(ctx.table(), requested);
    if (model === null) throw new UnknownModelError(requested);
    await unload(ctx, res, [model]);
    return true;
  }
  return false;
}
