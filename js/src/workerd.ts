/** Entry for workerd (Workers, wrangler dev, vitest): the wasm arrives as a compiled module. */
import wasmModule from "../wasm/dorm_core_bg.wasm";
import { initSync } from "../wasm/dorm_core.js";
import { registerCore } from "./core.js";

registerCore(() => void initSync({ module: wasmModule }));

export * from "./index.js";
