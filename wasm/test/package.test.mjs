// The package as a merchant's developer installs it (issue 17): `npm pack` (its prepack fills dist/
// from js/ and build/wasm), the tarball installed with `npm install --offline` into an empty
// folder, then used by its name only. Checks that the tarball holds exactly the files needed at
// run time, that every target of package.json's `exports` is in it, that Node loads the packaged
// module through `@loyalty/core-wasm/node` and through the browser entry (with the packaged
// loyalty_core.js/.wasm, as a bundler wires them) and answers a vector's request with the
// vector's response bytes, that the program's JSON Schema (for editors) is there by its exported
// name, and that TypeScript finds the types by the package's name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { VECTORS, WASM_ROOT } from '../test-support/doors.mjs';
import { exportTargets, installInto, pack, tarballFiles } from '../test-support/pack.mjs';
import { wasmDir } from '../js/node.mjs';

const NAME = '@loyalty/core-wasm';
// What a user gets, and nothing else: no tests, build scripts, sources of the module, debug build.
const SHIPPED = [
  'README.md',
  'dist/loyalty-core.d.mts',
  'dist/loyalty-core.mjs',
  'dist/loyalty_core.js',
  'dist/loyalty_core.wasm',
  'dist/node.d.mts',
  'dist/node.mjs',
  'dist/package.json',
  'package.json',
  'schema/loyalty-program.schema.json',
];
const VECTOR = path.join(VECTORS, 'preview/free-item-and-fixed-discount');

describe('the npm package, installed from its tarball', () => {
  let tmp;
  let tarball;
  let app; // the empty project the tarball is installed into
  let installed; // app/node_modules/@loyalty/core-wasm

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-core-pack-'));
    tarball = await pack(WASM_ROOT, tmp);
    app = path.join(tmp, 'app');
    await installInto(app, tarball);
    installed = path.join(app, 'node_modules', NAME);
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball holds exactly the files needed at run time', () => {
    assert.deepEqual(tarballFiles(tarball), SHIPPED);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.dependencies ?? {}, {}, 'no run-time dependencies');
    // The module shipped is the one built (build/wasm), not an older copy.
    for (const f of ['loyalty_core.js', 'loyalty_core.wasm']) {
      assert.ok(fs.readFileSync(path.join(installed, 'dist', f)).equals(fs.readFileSync(path.join(wasmDir(), f))), `dist/${f} is build/wasm/${f}`);
    }
  });

  test('every target of exports, main and types is in the installed package', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './loyalty_core.js', './loyalty_core.wasm', './node', './package.json', './schema/loyalty-program.schema.json']);
    for (const entry of ['.', './node']) assert.deepEqual(Object.keys(pkg.exports[entry]), ['types', 'import'], `${entry}: types first, then import`);
    for (const t of [...exportTargets(pkg.exports), pkg.main, pkg.types]) {
      assert.ok(fs.existsSync(path.join(installed, t)), `${t} is in the package`);
    }
  });

  test('Node imports it by name: the packaged module answers a vector with its bytes', () => {
    const check = path.join(app, 'check.mjs');
    fs.writeFileSync(
      check,
      `import fs from 'node:fs';
import { createRequire } from 'node:module';
import { loadNode, wasmDir } from '${NAME}/node';
import { LoyaltyCore, LoyaltyError } from '${NAME}';
const request = fs.readFileSync(process.argv[2], 'utf8');
const viaNode = await loadNode();
// The browser entry, given the packaged glue and bytes as a bundler would hand them over.
const require = createRequire(import.meta.url);
const factory = require('${NAME}/loyalty_core.js');
const wasmBinary = fs.readFileSync(new URL(import.meta.resolve('${NAME}/loyalty_core.wasm')));
const viaEntry = await LoyaltyCore.load({ factory, wasmBinary });
let thrown = null;
try { viaEntry.call('preview', '{'); } catch (e) { thrown = e instanceof LoyaltyError ? e.code : String(e); }
process.stdout.write(JSON.stringify({
  dir: wasmDir(),
  node: viaNode.callJson('preview', request),
  entry: viaEntry.call('preview', request),
  thrown,
  name: require('${NAME}/package.json').name,
  schema: require('${NAME}/schema/loyalty-program.schema.json'),
}));
`,
    );
    // Without $LOYALTY_WASM_DIR, which would point loadNode at a build instead of the package.
    const env = { ...process.env };
    delete env.LOYALTY_WASM_DIR;
    const out = spawnSync(process.execPath, [check, `${VECTOR}.request.json`], { cwd: app, env, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const got = JSON.parse(out.stdout);
    const expected = fs.readFileSync(`${VECTOR}.response.json`, 'utf8').replace(/\n$/, '');
    assert.equal(got.dir, path.join(installed, 'dist'), 'loadNode() loads the module shipped in the package');
    assert.equal(got.node, expected, 'callJson through @loyalty/core-wasm/node gives the response bytes');
    assert.deepEqual(got.entry, JSON.parse(expected), 'call through the browser entry gives the response');
    assert.equal(got.thrown, 'invalid_json', 'errors are LoyaltyError of the same module');
    assert.equal(got.name, NAME);
    // The JSON Schema for editors and validators, by its exported name, as in the repository.
    assert.deepEqual(got.schema, JSON.parse(fs.readFileSync(path.join(WASM_ROOT, 'schema/loyalty-program.schema.json'), 'utf8')));
  });

  test('TypeScript resolves the types by the package name (tsc --noEmit, nodenext)', () => {
    fs.writeFileSync(
      path.join(app, 'usage.ts'),
      `import { LoyaltyCore, LoyaltyError, type Core } from '${NAME}';
import { loadNode } from '${NAME}/node';
const core: Core = await loadNode();
const text: string = core.callJson('preview', '{}');
// @ts-expect-error callJson takes JSON text, not an object (fails if the types were any)
core.callJson('preview', {});
await LoyaltyCore.load({ wasmUrl: new URL('https://shop.example/loyalty/loyalty_core.wasm') });
try {
  core.call('preview', text);
} catch (e) {
  if (e instanceof LoyaltyError) console.log(e.code, e.path);
}
`,
    );
    const options = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, lib: ['es2022', 'dom'], types: [] };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['usage.ts'] }));
    const out = spawnSync(path.join(WASM_ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(app, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(out.status, 0, `tsc failed:\n${out.stdout}${out.stderr}`);
  });
});
