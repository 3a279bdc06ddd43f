// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} is the config macro syntax, not a JS template
/**
 * fast-check arbitraries: mutated and random YAML, and llama-swap-valid documents built from
 * the shape (and enum values) of llama-swap's JSON schema fixture.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { RESERVED_KEYS } from "../src/reserved-keys.ts";
import { fixture } from "./helpers.ts";

export const SEED = Number(process.env.FC_SEED ?? 20261125);
export const RUNS = 200;

const schema = JSON.parse(fixture("config-schema.json"));
const props = schema.properties;
const modelProps = props.models.additionalProperties.properties;

const FIXTURE_TEXTS = ["config.example.yaml", "docker-config.example.yaml", "aider-example.yaml"].map(
  fixture,
);
const YAML_BITS = [
  ":",
  "-",
  " ",
  "\n",
  "  ",
  "{",
  "}",
  "[",
  "]",
  "&a",
  "*a",
  "<<",
  "!!str",
  "|",
  ">",
  "#",
  '"',
  "'",
  "${",
  "}",
  "${PORT}",
  "${env.X}",
  "~",
  "null",
  "-1",
  "1e9",
  "\t",
];

/** Fixture text with random deletions and insertions of YAML-significant fragments. */
export const mutatedYaml = fc
  .record({
    base: fc.constantFrom(...FIXTURE_TEXTS),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        del: fc.nat({ max: 12 }),
        ins: fc.array(fc.constantFrom(...YAML_BITS), { maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ base, edits }) =>
    edits.reduce((text, e) => {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.ins.join("") + text.slice(at + e.del);
    }, base),
  );

const KEYS = [
  ...Object.keys(props),
  ...Object.keys(modelProps),
  "hotswap",
  "members",
  "memory",
  "devices",
  "router",
  "scheduler",
  "use",
  "settings",
  "sets",
  "vars",
];

/** Documents of random values under real key names, so deep paths get exercised. */
export const randomDocument = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom(
        "${PORT}",
        "${MODEL_ID}",
        "${PID}",
        "${x}",
        "${env.HOME}",
        "none",
        "/health",
        "a & (b | c)",
      ),
      fc.array(tie("value"), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS, "m", "a"), tie("value"), { maxKeys: 4 }),
    ),
  }))
  .value.map((v) =>
    stringify({ models: { m: v, n: { cmd: "s ${PORT}" } }, ...(typeof v === "object" ? v : {}) }),
  );

export const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  mutatedYaml,
  randomDocument,
);

/** A string over `chars` (much cheaper than fc.stringMatching). */
const text = (chars: string, minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const prefixed = (first: string, rest: string, max: number) =>
  fc.tuple(text(first, 1, 1), text(rest, 0, max)).map(([a, b]) => a + b);
const smallJson = fc.oneof(
  fc.integer(),
  fc.boolean(),
  text(LOWER, 0, 6),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const id = prefixed(LOWER, `${LOWER}${DIGITS}._-`, 10).filter((n) => !RESERVED_KEYS.includes(n));
// hotswap rejects the JS-internal key names on purpose (documented), so they are left out.
const macroName = text(`${LOWER}ABCXYZ${DIGITS}_-`, 1, 12).filter(
  (n) => !["PID", "PORT", "MODEL_ID"].includes(n) && !RESERVED_KEYS.includes(n),
);
const macroValue = fc.oneof(text(`${LOWER}${DIGITS} ./-`, 0, 20), fc.integer(), fc.boolean());
const enumOf = (p: { enum: string[] }) => fc.constantFrom(...p.enum);
const stripPattern = new RegExp(modelProps.filters.properties.stripParams.pattern);

const modelArb = (macros: string[], aliases: string[]) =>
  fc
    .record(
      {
        cmd: fc
          .tuple(prefixed(`${LOWER}/`, `${LOWER}${DIGITS}/._-`, 15), fc.boolean(), fc.subarray(macros))
          .map(([bin, port, ms]) =>
            [bin, port ? "--port ${PORT}" : "--port 9000", ...ms.map((m) => `\${${m}}`)].join(" "),
          ),
        name: text(`${LOWER}ABC${DIGITS} `, 0, 20),
        description: text(`${LOWER}ABC${DIGITS} .`, 0, 40),
        env: fc.array(
          fc
            .tuple(prefixed("ABCXYZ_", `ABCXYZ_${DIGITS}`, 6), text(`${LOWER}${DIGITS},`, 0, 6))
            .map(([k, v]) => `${k}=${v}`),
          { maxLength: 3 },
        ),
        checkEndpoint: fc.oneof(
          fc.constant("none"),
          text(LOWER, 0, 8).map((p) => `/${p}`),
        ),
        ttl: fc.integer({ min: modelProps.ttl.minimum, max: 3600 }),
        unloadTimeout: fc.integer({ min: modelProps.unloadTimeout.minimum, max: 60 }),
        useModelName: text(`${LOWER}${DIGITS}/`, 0, 12),
        filters: fc.record(
          {
            stripParams: text(`${LOWER}_, `, 0, 20).filter((v) => stripPattern.test(v)),
            setParams: fc.dictionary(text(`${LOWER}_`, 1, 8), smallJson, { maxKeys: 3 }),
          },
          { requiredKeys: [] },
        ),
        metadata: fc.dictionary(text(LOWER, 1, 6), smallJson, { maxKeys: 3 }),
        concurrencyLimit: fc.integer({ min: modelProps.concurrencyLimit.minimum, max: 64 }),
        sendLoadingState: fc.boolean(),
        unlisted: fc.boolean(),
        timeouts: fc.record({ connect: fc.nat(100), responseHeader: fc.nat(100) }, { requiredKeys: [] }),
        capabilities: fc.record(
          {
            in: fc.uniqueArray(enumOf(modelProps.capabilities.properties.in.items), { minLength: 1 }),
            tools: fc.boolean(),
            context: fc.nat(200000),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ["cmd"] },
    )
    .map((m) => ({
      ...m,
      // llama-swap requires an explicit proxy when cmd has no ${PORT}.
      ...(m.cmd.includes("${PORT}") ? {} : { proxy: "http://127.0.0.1:9000" }),
      ...(aliases.length > 0 ? { aliases } : {}),
    }));

/** A document llama-swap's schema (and its loader's cross-checks) accept. */
export const llamaSwapDocument = fc
  .record({
    ids: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
    aliasPool: fc.uniqueArray(
      text(`${LOWER}${DIGITS}`, 1, 6).map((a) => `al-${a}`),
      { maxLength: 4 },
    ),
    macros: fc.dictionary(macroName, macroValue, { maxKeys: 3 }),
    top: fc.record(
      {
        healthCheckTimeout: fc.integer({ min: props.healthCheckTimeout.minimum, max: 600 }),
        globalTTL: fc.integer({ min: 0, max: 600 }),
        unloadTimeout: fc.integer({ min: 0, max: 60 }),
        logLevel: enumOf(props.logLevel),
        logTimeFormat: enumOf(props.logTimeFormat),
        logToStdout: enumOf(props.logToStdout),
        startPort: fc.integer({ min: 1024, max: 60000 }),
        sendLoadingState: fc.boolean(),
        includeAliasesInList: fc.boolean(),
        apiKeys: fc.array(
          text(`${LOWER}${DIGITS}`, 1, 10).map((k) => `sk-${k}`),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
    useGroups: fc.boolean(),
  })
  .chain(({ ids, aliasPool, macros, top, useGroups }) => {
    const names = Object.keys(macros);
    const perModel = ids.map((_, i) => aliasPool.filter((_, j) => j % ids.length === i));
    return fc.tuple(...ids.map((_mid, i) => modelArb(names, perModel[i]!))).map((models) => {
      const doc: Record<string, unknown> = {
        ...top,
        macros,
        models: Object.fromEntries(ids.map((mid, i) => [mid, models[i]])),
      };
      if (useGroups)
        doc.groups = {
          g1: { swap: true, members: ids.slice(0, 1) },
          g2: { exclusive: false, members: ids.slice(1) },
        };
      doc.hooks = { on_startup: { preload: ids.slice(0, 1) } };
      return stringify(doc);
    });
  });
