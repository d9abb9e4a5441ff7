// Loading the core in Node. Emscripten 3.1.6's loader cannot fetch a file path under Node 20
// (shared/notes/toolchain.md, trap 3), so this reads the .wasm bytes and passes wasmBinary.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LoyaltyCore } from './loyalty-core.mjs';

export { LoyaltyCore, LoyaltyError } from './loyalty-core.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the built module lives: $LOYALTY_WASM_DIR, else build/wasm of this checkout. */
export function wasmDir({ debug = false, dir } = {}) {
  const base = path.resolve(dir ?? process.env.LOYALTY_WASM_DIR ?? path.join(here, '../../build/wasm'));
  return debug ? path.join(base, 'debug') : base;
}

/**
 * Loads loyalty_core.js + loyalty_core.wasm from build/wasm (or {dir}); {debug: true} loads the
 * -sASSERTIONS=1 variant from build/wasm/debug.
 */
export async function loadNode(options = {}) {
  const dir = wasmDir(options);
  const require = createRequire(import.meta.url);
  const factory = require(path.join(dir, 'loyalty_core.js'));
  const wasmBinary = fs.readFileSync(path.join(dir, 'loyalty_core.wasm'));
  return LoyaltyCore.load({ factory, wasmBinary });
}
