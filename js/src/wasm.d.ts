declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

// The two Node facts `node.ts` needs, without pulling Node's types into a Workers package.
declare module "node:fs" {
  export function readFileSync(path: URL): Uint8Array;
}
interface ImportMeta {
  readonly url: string;
}
