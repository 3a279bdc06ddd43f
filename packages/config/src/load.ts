/**
 * File access: `loadConfig` reads and parses once; `watchConfig` reloads on change.
 */
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { diffConfigs } from "./diff.ts";
import { ConfigError } from "./errors.ts";
import { type ParseResult, parseConfigText } from "./parse.ts";
import type { ConfigDiff, Problem, ResolvedConfig } from "./types.ts";

export interface LoadOptions {
  /** Source of `${env.NAME}`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads and parses `path`. Rejects only with `ConfigError` (an unreadable file is one problem). */
export async function loadConfig(path: string, options: LoadOptions = {}): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([
      {
        file: path,
        line: 0,
        column: 0,
        path: "",
        message: `cannot read the file: ${reason}`,
        severity: "error",
      },
    ]);
  }
  return parseConfigText(text, { path, ...(options.env ? { env: options.env } : {}) });
}

export type ReloadResult =
  | {
      readonly ok: true;
      readonly config: ResolvedConfig;
      readonly warnings: readonly Problem[];
      readonly diff: ConfigDiff;
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export interface WatchOptions extends LoadOptions {
  /** Quiet time after the last change before reloading. Default 100 ms. */
  readonly debounceMs?: number;
  /** Baseline for the first diff; default: none (every model counts as added). */
  readonly initial?: ResolvedConfig;
  /** Called once per reload, in order; the next reload waits for a returned promise. */
  readonly onChange: (result: ReloadResult) => void | Promise<void>;
}

/**
 * Watches `path` (through its directory, so editors that replace the file are seen) and
 * reloads after `debounceMs` of quiet. A bad edit reports `{ ok: false }` and keeps the
 * previous config as the baseline. Returns a function that stops watching.
 */
export function watchConfig(path: string, options: WatchOptions): () => void {
  const name = basename(path);
  const debounceMs = options.debounceMs ?? 100;
  let current: ResolvedConfig | null = options.initial ?? null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const reload = async (): Promise<void> => {
    if (closed) return;
    let result: ReloadResult;
    try {
      const { config, warnings } = await loadConfig(path, options.env ? { env: options.env } : {});
      result = { ok: true, config, warnings, diff: diffConfigs(current, config) };
      current = config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result = { ok: false, problems: error.problems };
    }
    if (!closed) await options.onChange(result);
  };

  const watcher: FSWatcher = watch(dirname(path), (_event, file) => {
    if (closed || (file !== null && file !== name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(reload, reload);
    }, debounceMs);
  });
  return () => {
    closed = true;
    clearTimeout(timer);
    watcher.close();
  };
}
