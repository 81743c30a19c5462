/**
 * Access to the Rust core. The entry file of each runtime (`workerd.ts`, `node.ts`) registers
 * how to instantiate the wasm; calls go through `callCore`, which turns the core's thrown error
 * objects into `DormError`s and, should the wasm ever trap, re-instantiates it so a long-lived
 * Durable Object never keeps a dead instance.
 */
import * as wasm from "../wasm/dorm_core.js";
import { DormError } from "./errors.js";

type Core = typeof wasm;
let initialize: (() => void) | undefined;
let ready = false;

/** Called once by the runtime entry file with a synchronous instantiation. */
export function registerCore(init: () => void): void {
  initialize = init;
  ready = false;
}

/** Runs `fn` against the core. Throws `DormError` only. */
export function callCore<T>(fn: (core: Core) => T): T {
  if (!ready) {
    if (!initialize) throw new DormError("INTERNAL", 500, "dormroom: the wasm core was not registered; import from \"dormroom\"");
    initialize();
    ready = true;
  }
  try {
    return fn(wasm);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      wasm.__wbg_reset_state();
      throw new DormError("CORE_TRAP", 500, `dormroom core trapped and was restarted: ${error.message}`);
    }
    throw DormError.from(error);
  }
}

/**
 * A small map that forgets its oldest entries: per-statement answers are cached by SQL text.
 * Keys longer than `maxKeyLength` are computed every time rather than kept.
 */
export class Cache<V> {
  #map = new Map<string, V>();
  constructor(
    readonly capacity = 1000,
    readonly maxKeyLength = 8192,
  ) {}

  get(key: string, compute: (key: string) => V): V {
    let value = this.#map.get(key);
    if (value === undefined) {
      value = compute(key);
      if (key.length > this.maxKeyLength) return value;
      if (this.#map.size >= this.capacity) this.#map.delete(this.#map.keys().next().value as string);
      this.#map.set(key, value);
    }
    return value;
  }
}
