// Loading the core in Node. Emscripten 3.1.6's loader cannot fetch a file path under Node 20
// (shared/notes/toolchain.md, trap 3), so this reads the .wasm bytes and passes wasmBinary.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LoyaltyCore } from './loyalty-core.mjs';

export { LoyaltyCore, LoyaltyError } from './loyalty-core.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The installed npm package has the module beside this file (dist/, scripts/pack-dist.mjs); in
// the repository this file is js/node.mjs and the module is built into build/wasm.
function defaultDir() {
  return fs.existsSync(path.join(here, 'loyalty_core.wasm')) ? here : path.join(here, '../../build/wasm');
}

/**
 * Where the built module lives: {dir}, else $LOYALTY_WASM_DIR, else beside this file (the npm
 * package), else build/wasm of this checkout.
 */
export function wasmDir({ debug = false, dir } = {}) {
  const base = path.resolve(dir ?? process.env.LOYALTY_WASM_DIR ?? defaultDir());
  return debug ? path.join(base, 'debug') : base;
}

/**
 * Loads loyalty_core.js + loyalty_core.wasm from wasmDir() (or {dir}); {debug: true} loads the
 * -sASSERTIONS=1 variant from its debug/ folder (build/wasm/debug; the npm package has none).
 */
export async function loadNode(options = {}) {
  const dir = wasmDir(options);
  const require = createRequire(import.meta.url);
  const factory = require(path.join(dir, 'loyalty_core.js'));
  const wasmBinary = fs.readFileSync(path.join(dir, 'loyalty_core.wasm'));
  return LoyaltyCore.load({ factory, wasmBinary });
}
