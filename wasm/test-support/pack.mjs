// Packing a package as a user installs it, for the package tests of wasm/ and web/: `npm pack`
// into a folder, the tarball installed with `npm install --offline` into an empty project.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// npm run-script exports npm_config_* (local prefix included) to the tests; a nested npm must not
// read them, or it would install into the package's folder instead of the empty project.
function npm(args, cwd) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn('npm', [...args, '--loglevel=error'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (status) => {
      if (status === 0) resolve();
      else reject(new assert.AssertionError({ message: `npm ${args.join(' ')} failed (${status}):\n${out}` }));
    });
  });
}

// Packs the package at `root` into `dir`; the tarball's path.
export async function pack(root, dir) {
  await npm(['pack', '--pack-destination', dir], root);
  const tgz = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  assert.equal(tgz.length, 1, `one tarball: ${tgz}`);
  return path.join(dir, tgz[0]);
}

// Installs `tarball` into a new empty ES-module project at `app`.
export async function installInto(app, tarball) {
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'shop-app', private: true, type: 'module' }));
  await npm(['install', '--no-audit', '--no-fund', '--offline', tarball], app);
}

// The files in a tarball, relative to the package, sorted.
export function tarballFiles(tarball) {
  const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  return listed.filter((f) => f && !f.endsWith('/')).map((f) => f.replace(/^package\//, '')).sort();
}

// Every file an exports target names (conditions nested or not).
export function exportTargets(exportsMap) {
  if (typeof exportsMap === 'string') return [exportsMap];
  return Object.values(exportsMap).flatMap(exportTargets);
}
