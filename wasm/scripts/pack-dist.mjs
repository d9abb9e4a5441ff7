// Fills dist/ with exactly what the npm package ships (`npm pack` runs this as `prepack`): the JS
// layer (loyalty-core.mjs, node.mjs) with its types, and the release module that
// scripts/build.sh wasm built (loyalty_core.js + .wasm, copied from build/wasm, never rebuilt here).
// build/wasm itself is left as it is: the widget, the demo and the size report read it.
// The program's JSON Schema is not built: package.json's `files` ships schema/ as it is in the
// repository, so an editor finds it at the same path in both.
//
// dist/ is emptied first, so a tarball never carries files of an earlier build. In dist/:
// - the types are named .d.mts, the name TypeScript reads for an .mjs, so they are ES module types
//   whatever the folder's package type says (js/loyalty-core.d.ts holds them in the repository);
// - a package.json marks the folder's .js as CommonJS: loyalty_core.js is Emscripten's
//   classic-script/CommonJS glue (node.mjs require()s it), while this package is "type": "module".
// Usage: node scripts/pack-dist.mjs [wasmdir]   (default $LOYALTY_WASM_DIR, else ../build/wasm)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.resolve(process.argv[2] ?? process.env.LOYALTY_WASM_DIR ?? path.join(root, '../build/wasm'));
const dist = path.join(root, 'dist');

for (const f of ['loyalty_core.js', 'loyalty_core.wasm']) {
  if (!fs.existsSync(path.join(built, f))) {
    console.error(`pack-dist: ${path.join(built, f)} is missing; run scripts/build.sh wasm first`);
    process.exit(1);
  }
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
const copies = [
  [path.join(root, 'js/loyalty-core.mjs'), 'loyalty-core.mjs'],
  [path.join(root, 'js/loyalty-core.d.ts'), 'loyalty-core.d.mts'],
  [path.join(root, 'js/node.mjs'), 'node.mjs'],
  [path.join(root, 'js/node.d.mts'), 'node.d.mts'],
  [path.join(built, 'loyalty_core.js'), 'loyalty_core.js'],
  [path.join(built, 'loyalty_core.wasm'), 'loyalty_core.wasm'],
];
for (const [from, to] of copies) fs.copyFileSync(from, path.join(dist, to));
fs.writeFileSync(path.join(dist, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
console.log(`pack-dist: dist/ from js/ and ${built}`);
