/**
 * What the app knows about model processes, for `/running` and for answering unload calls
 * once the processes are gone. Facts only (from effects issued and supervisor events); the
 * core decides, this table just remembers.
 */

export type ProcessPhase = "starting" | "ready" | "stopping";

export interface ProcessEntry {
  readonly model: string;
  readonly instance: number;
  phase: ProcessPhase;
  pid: number | null;
}

export class ProcessTable {
  readonly #entries = new Map<string, ProcessEntry>();
  readonly #waiters = new Set<{ readonly models: readonly string[] | "all"; readonly resolve: () => void }>();

  started(model: string, instance: number): void {
    this.#entries.set(model, { model, instance, phase: "starting", pid: null });
  }

  /** Applies a phase change if `instance` is the current one (late events of old instances are ignored). */
  set(model: string, instance: number, phase: ProcessPhase): void {
    const entry = this.#entries.get(model);
    if (entry && entry.instance === instance) entry.phase = phase;
  }

  spawned(model: string, instance: number, pid: number): void {
    const entry = this.#entries.get(model);
    if (entry && entry.instance === instance) entry.pid = pid;
  }

  gone(model: string, instance: number): void {
    const entry = this.#entries.get(model);
    if (!entry || entry.instance !== instance) return;
    this.#entries.delete(model);
    for (const waiter of this.#waiters) {
      if (this.#anyOf(waiter.models)) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }

  get(model: string): ProcessEntry | undefined {
    return this.#entries.get(model);
  }

  list(): ProcessEntry[] {
    return [...this.#entries.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  }

  /** Resolves once none of `models` has a process. */
  whenGone(models: readonly string[] | "all"): Promise<void> {
    if (!this.#anyOf(models)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ models, resolve }));
  }

  #anyOf(models: readonly string[] | "all"): boolean {
    if (models === "all") return this.#entries.size > 0;
    return models.some((m) => this.#entries.has(m));
  }
}
