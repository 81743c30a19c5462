/**
 * The row type of a table, derived from its JSON Schema literal (declared `as const`).
 *
 * @example
 * const users = { $id: "users", properties: { id: { type: "integer" }, name: { type: "string" } }, required: ["name"] } as const;
 * type User = RowOf<typeof users>; // { name: string; id?: number | null }
 * const { json } = await client.select<User>("users");
 */
export type RowOf<S extends { properties: Readonly<Record<string, unknown>>; required?: readonly string[] }> = Simplify<
  { -readonly [K in keyof S["properties"] as K extends Required<S> ? K : never]: ValueOf<S["properties"][K]> } & {
    -readonly [K in keyof S["properties"] as K extends Required<S> ? never : K]?: ValueOf<S["properties"][K]> | null;
  }
>;

type Required<S> = S extends { required: readonly (infer R)[] } ? R : never;

type ValueOf<P> = P extends { enum: readonly (infer E)[] }
  ? E
  : P extends { type: infer T }
    ? T extends readonly (infer M)[]
      ? Scalar<M, P>
      : Scalar<T, P>
    : unknown;

type Scalar<T, P> = T extends "integer" | "number"
  ? number
  : T extends "boolean"
    ? boolean
    : T extends "string"
      ? string
      : T extends "null"
        ? null
        : T extends "array"
          ? P extends { items: infer I }
            ? ValueOf<I>[]
            : unknown[]
          : T extends "object"
            ? Record<string, unknown>
            : unknown;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
