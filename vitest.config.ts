import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const wasmPath = fileURLToPath(new URL("./dist/wasm/dorm_core_bg.wasm", import.meta.url));

// @cloudflare/vitest-plugin 1.5 joins a `.wasm` import's raw specifier to the project root instead
// of resolving it against the importing file, and then cannot resolve its own forced-type path
// (`...wasm?mf_vitest_force=CompiledWasm`). Point the import at the file, and resolve that path.
const forcedWasm = "?mf_vitest_force=CompiledWasm";
const wasmImport: Plugin = {
  name: "dormroom-wasm-import",
  enforce: "pre",
  transform(code, id) {
    if (id.endsWith("/dist/src/workerd.js")) return code.replace("../wasm/dorm_core_bg.wasm", `/@fs${wasmPath}`);
  },
  resolveId(id, importer) {
    if (id.endsWith(forcedWasm)) return importer && !id.startsWith("/") ? resolve(dirname(importer), id) : id;
  },
};

export default defineConfig({
  plugins: [wasmImport, cloudflareTest({ wrangler: { configPath: "./js/test/wrangler.jsonc" } })],
  resolve: {
    // Tests use the built package, exactly as users import it.
    alias: { dormroom: fileURLToPath(new URL("./dist/src/workerd.js", import.meta.url)) },
  },
  test: {
    include: ["js/test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
