// Places the JS layer beside the built module: build/wasm/loyalty-core.mjs (ES module, as is),
// loyalty-core.min.mjs (minified), loyalty-core.iife.js (script tag; defines globalThis.LoyaltyCore),
// and the .d.ts. Also minifies the release module's Emscripten glue (loyalty_core.js) in place:
// emcc only strips its whitespace (no closure compiler here), and renaming its locals makes the
// download smaller (docs/performance.md). The debug build's glue (debug/) is left readable.
// Usage: node scripts/build-js.mjs [outdir]   (default ../build/wasm)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, '../build/wasm'));
fs.mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, target: ['es2022'], legalComments: 'none', logLevel: 'warning' };
await esbuild.build({ ...common, entryPoints: [path.join(root, 'js/global.mjs')], format: 'iife',
  outfile: path.join(out, 'loyalty-core.iife.js') });
await esbuild.build({ ...common, entryPoints: [path.join(root, 'js/loyalty-core.mjs')], format: 'esm',
  outfile: path.join(out, 'loyalty-core.min.mjs') });
for (const f of ['loyalty-core.mjs', 'loyalty-core.d.ts', 'loyalty-core.d.mts']) fs.copyFileSync(path.join(root, 'js', f), path.join(out, f));
const glue = path.join(out, 'loyalty_core.js');
if (fs.existsSync(glue)) {
  const text = fs.readFileSync(glue, 'utf8');
  // Only locals are renamed: a script's top-level names (createLoyaltyCore) and property names
  // (the wasm imports and exports) stay as they are.
  const { code } = await esbuild.transform(text, { minify: true, target: 'es2022', legalComments: 'none' });
  fs.writeFileSync(glue, code);
}
console.log(`build-js: JS layer in ${out}`);
