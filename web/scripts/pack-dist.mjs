// Fills dist/ with exactly what the npm package ships (`npm pack` runs this as `prepack`): the
// bundles that scripts/build-web.sh built into build/web (loyalty.js for a script tag, loyalty.mjs
// as the ES module entry, the release core loyalty_core.js + .wasm they load), copied, never
// rebuilt here, so the tarball holds the very files the tests ran; and the hand-written types
// (src/index.d.ts), named loyalty.d.mts, the name TypeScript reads for loyalty.mjs.
// build/web itself is left as it is: the demo, the size report and the tests read it.
// dist/ is emptied first, so a tarball never carries files of an earlier build.
// Usage: node scripts/pack-dist.mjs [webdir]   (default ../build/web)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.resolve(process.argv[2] ?? path.join(root, '../build/web'));
const dist = path.join(root, 'dist');
const BUILT = ['loyalty.js', 'loyalty.mjs', 'loyalty_core.js', 'loyalty_core.wasm'];

for (const f of BUILT) {
  if (!fs.existsSync(path.join(built, f))) {
    console.error(`pack-dist: ${path.join(built, f)} is missing; run scripts/build.sh wasm && scripts/build-web.sh first`);
    process.exit(1);
  }
}

fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist);
for (const f of BUILT) fs.copyFileSync(path.join(built, f), path.join(dist, f));
fs.copyFileSync(path.join(root, 'src/index.d.ts'), path.join(dist, 'loyalty.d.mts'));
console.log(`pack-dist: dist/ from ${built}`);
