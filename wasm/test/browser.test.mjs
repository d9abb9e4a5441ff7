// Headless Chromium loads the core the way the widget will — script tag, streamed .wasm from a
// local server, under a strict Content-Security-Policy — and answers with the same bytes as Node
// and the native CLI. Also the ES-module build with a loaded Engine. Both against the release
// module and the debug one (-sASSERTIONS=1), each on its own local server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { VARIANTS, core, cli } from '../test-support/doors.mjs';
import { serve } from '../test-support/server.mjs';
import { wasmDir } from '../js/node.mjs';
import { PROGRAM, NOW, memberState, previewRequest } from '../test-support/fixtures.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let servers, context, profile, node, cases, engineCases;

before(async () => {
  node = await core(VARIANTS[0]);
  const state = memberState(node);
  const preview = previewRequest(state);
  cases = [
    ['preview', JSON.stringify({ program: PROGRAM, ...preview })],
    ['preview', JSON.stringify({ program: PROGRAM, ...previewRequest(null) })],
    ['catalog', JSON.stringify({ program: PROGRAM, state, now: NOW })],
    ['validate', JSON.stringify({ program: PROGRAM })],
    ['preview', '{"program":'],
    ['nope', '{}'],
  ];
  engineCases = { program: PROGRAM, engine: [['preview', JSON.stringify(preview)], ['catalog', JSON.stringify({ state: null, now: NOW })]] };
  const routes = { '/cases.json': JSON.stringify(cases), '/engine-cases.json': JSON.stringify(engineCases) };
  servers = {
    release: await serve(wasmDir(), routes),
    debug: await serve(wasmDir(), routes, { moduleDir: wasmDir({ debug: true }) }),
  };
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  await context?.close();
  for (const server of Object.values(servers ?? {})) await server.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

async function run(server, pagePath) {
  const page = await context.newPage();
  const console = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}${pagePath}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
  const result = await page.evaluate(() => window.__result);
  await page.close();
  return { result, console };
}

for (const variant of ['release', 'debug']) {
  test(`${variant}: script tag + streamed wasm: same bytes as Node and the CLI, under a strict CSP`, async () => {
    const server = servers[variant];
    const { result, console } = await run(server, '/');
    assert.equal(result.failure, undefined, `${result.failure}\n${console.join('\n')}`);
    assert.equal(result.seen.streaming, 1, `instantiateStreaming used ${result.seen.streaming} times (plain: ${result.seen.plain})`);
    assert.deepEqual(result.seen.violations, [], 'CSP violations');
    const wasmRequest = server.requests.find((r) => r.path === '/wasm/loyalty_core.wasm');
    assert.equal(wasmRequest?.type, 'application/wasm');
    // The module the page ran is the variant's own build.
    const expected = wasmDir({ debug: variant === 'debug' });
    for (const name of ['loyalty_core.js', 'loyalty_core.wasm']) {
      const served = server.requests.find((r) => r.path === `/wasm/${name}`);
      assert.equal(served?.file, path.join(expected, name), `${name} came from ${served?.file}`);
    }
    for (let i = 0; i < cases.length; i++) {
      const [op, text] = cases[i];
      assert.equal(result.answers[i], node.callJson(op, text), `case ${i} (${op}): browser and Node differ`);
      if (op !== 'nope') assert.equal(`${result.answers[i]}\n`, cli(op, text).stdout, `case ${i} (${op}): browser and CLI differ`);
    }
    const preview = JSON.parse(result.answers[0]);
    assert.ok(preview.points && typeof preview.points.total === 'number', result.answers[0].slice(0, 300));
    assert.ok(preview.totals && preview.totals.total_minor > 0);
    assert.deepEqual(result.error, { isLoyaltyError: true, code: 'invalid_program', path: '/id' });
    assert.deepEqual(console.filter((l) => /^(error|pageerror)/.test(l)), []);
  });

  test(`${variant}: ES module + Engine: same bytes as Node`, async () => {
    const { result, console } = await run(servers[variant], '/module.html');
    assert.equal(result.failure, undefined, `${result.failure}\n${console.join('\n')}`);
    const engine = node.engine(PROGRAM);
    try {
      engineCases.engine.forEach(([op, text], i) => assert.equal(result.answers[i], engine.callJson(op, text), `engine case ${i}`));
    } finally {
      engine.delete();
    }
    assert.equal(result.error.isLoyaltyError, true);
    assert.equal(result.error.path, '/cart');
  });
}
