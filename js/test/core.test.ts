// The wasm core inside workerd: a trap never leaves a dead instance behind.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { analyze, createClient, DormError } from "dormroom";
import { callCore } from "../../dist/src/core.js";

it("re-instantiates the wasm after a trap; the next calls work", async () => {
  const client = createClient(env.DORM, { name: "core-trap" });
  let thrown: unknown;
  try {
    callCore((core) => core.__trapForTests());
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DormError);
  expect(thrown).toMatchObject({ code: "CORE_TRAP", status: 500 });
  expect(analyze("SELECT 1; DELETE FROM t").statements.map((s) => s.kind)).toEqual(["read", "write"]);
  expect((await client.query("SELECT 2 AS two")).json).toEqual([{ two: 2 }]);
});

it("core errors reach JavaScript as DormError with code and status", () => {
  expect(() => analyze("ROLLBACK")).toThrowError(DormError);
  try {
    analyze("ROLLBACK");
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "DormError", code: "TRANSACTION_CONTROL", status: 400 });
  }
});
