/** Entry for Node ≥ 22 (tools, scripts, unit tests): the wasm is read from disk and compiled. */
import { readFileSync } from "node:fs";
import { initSync } from "../wasm/dorm_core.js";
import { registerCore } from "./core.js";

registerCore(() => void initSync({ module: readFileSync(new URL("../wasm/dorm_core_bg.wasm", import.meta.url)) }));

export * from "./tools.js";
