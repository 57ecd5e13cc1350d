import fc from "fast-check";

/**
 * Settings for the property-based fuzz tests: a fixed seed (a failure is reproducible, CI is
 * deterministic) and a bounded number of runs (each suite takes a few seconds). Set VIGIL_FUZZ_SEED
 * and VIGIL_FUZZ_RUNS to explore further on a workstation.
 */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed = Number(process.env.VIGIL_FUZZ_SEED ?? 20260808);
  const runs = Number(process.env.VIGIL_FUZZ_RUNS ?? numRuns);
  return { seed, numRuns: runs, endOnFailure: true };
}

/** Strings a hostile sender likes: any code unit (NUL, controls, lone surrogates), and long ones. */
export const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom("\u0000", "%", "\\", "/", "..", "'", '"', "\ud800", "\n", ",", "{", "["),
    maxLength: 12,
  }),
  fc.constantFrom(
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "0000-01-01",
    "9999-12-31T23:59:59Z",
    "fe80::1%eth0",
    "%E0%A4%A",
    "x".repeat(5000),
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Any JSON-ish value, up to a small depth. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;
