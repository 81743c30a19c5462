// The shared fixtures (fixtures/*.json), run through the wasm exactly as `cargo test` runs them
// through the Rust core: one truth, two test suites.
import { describe, expect, it } from "vitest";
import "dormroom";
import { callCore } from "../../dist/src/core.js";
import orm from "../../fixtures/orm.json";
import schema from "../../fixtures/schema.json";

interface Case {
  name: string;
  fn: string;
  input: any;
  output?: unknown;
  error?: string;
  message?: string;
}

function run(c: Case): unknown {
  return callCore((core: any) =>
    c.fn === "prepareSchema" ? core.prepareSchema(c.input.statements ?? [], JSON.stringify(c.input.schemas ?? [])) : core[c.fn](JSON.stringify(c.input)),
  );
}

for (const [file, cases] of Object.entries({ orm, schema }) as [string, Case[]][]) {
  describe(`fixtures/${file}.json`, () => {
    it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      if (c.error) {
        expect(() => run(c)).toThrowError(expect.objectContaining({ code: c.error, message: expect.stringContaining(c.message ?? "") }));
      } else {
        expect(run(c)).toEqual(c.output);
      }
    });
  });
}
