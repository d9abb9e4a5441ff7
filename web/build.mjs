// Bundles the widget into build/web/: loyalty.js (the script-tag build, an IIFE that starts the
// widget as window.Loyalty), loyalty.mjs (ES module for shops with a bundler; createLoyalty is
// exported and nothing starts on import), and the WebAssembly core beside them (loyalty_core.js +
// .wasm, fetched relative to the script's own URL). Usage: node build.mjs [outdir] [wasmdir]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, '../build/web'));
const wasmDir = path.resolve(process.argv[3] ?? path.join(here, '../build/wasm'));
fs.mkdirSync(out, { recursive: true });

// The styles go into the bundle as a string (adopted by each shadow root): minified first, so their
// comments and indentation are not shipped to every shopper.
const minifiedCss = {
  name: 'minified-css',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await esbuild.transform(await fs.promises.readFile(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: code, loader: 'text' };
    });
  },
};
const common = { bundle: true, minify: true, target: ['es2022'], legalComments: 'none', logLevel: 'warning', charset: 'utf8', plugins: [minifiedCss] };
await esbuild.build({ ...common, entryPoints: [path.join(here, 'src/global.js')], format: 'iife', define: { 'import.meta.url': 'undefined' }, outfile: path.join(out, 'loyalty.js') });
await esbuild.build({ ...common, entryPoints: [path.join(here, 'src/index.js')], format: 'esm', outfile: path.join(out, 'loyalty.mjs') });
for (const f of ['loyalty_core.js', 'loyalty_core.wasm']) fs.copyFileSync(path.join(wasmDir, f), path.join(out, f));
console.log(`build-web: widget in ${out}`);
