// The widget as a merchant's developer installs it (issue 17): `npm pack` (its prepack fills dist/
// from build/web), the tarball installed with `npm install --offline` into an empty folder, then
// used by its name only. Checks that the tarball holds exactly the files needed at run time, that
// every target of package.json's `exports` is in it and Node resolves them by the package's name,
// that the installed script-tag bundle and the installed ES module entry each render
// <loyalty-portal> in Chromium against the real server with the packaged core (the harness's own
// copy of build/web is removed first), and that TypeScript finds the types by the package's name.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { exportTargets, installInto, pack, tarballFiles } from '../../wasm/test-support/pack.mjs';
import { ROOT, WEB_BUILD, enroll, launchBrowser, mintToken, openPage, programFile, startServer } from './harness.mjs';

const NAME = '@loyalty/widget';
const WEB = path.join(ROOT, 'web');
// What a user gets, and nothing else: no sources, tests, build or test scripts.
const SPECIFIERS = ['', '/loyalty.js', '/loyalty_core.js', '/loyalty_core.wasm', '/package.json'].map((s) => NAME + s);
const SHIPPED = ['README.md', 'dist/loyalty.d.mts', 'dist/loyalty.js', 'dist/loyalty.mjs', 'dist/loyalty_core.js', 'dist/loyalty_core.wasm', 'package.json'];

function run(command, args, { cwd, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Never rejects (a promise awaited later must not go unhandled): a spawn error is a failed run.
    child.once('error', (e) => resolve({ status: null, stdout, stderr: `${stderr}${e.message}` }));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('the npm package, installed from its tarball', () => {
  let tmp;
  let tarball;
  let app; // the empty project the tarball is installed into
  let installed; // app/node_modules/@loyalty/widget
  let resolved; // what Node resolves the package's specifiers to, as paths inside app/
  let server;
  let browser;
  let token;
  let typeCheck; // tsc on a usage file, started as soon as the package is installed

  // Types by the package's name: a usage file in the app, checked with tsc --noEmit (nodenext).
  function startTypeCheck() {
    fs.writeFileSync(
      path.join(app, 'usage.ts'),
      `import { createLoyalty, defineElements, type Cart, type Loyalty } from '${NAME}';
const loyalty: Loyalty = createLoyalty({ api: '/loyalty-api', token: 't', base: new URL('/loyalty/', location.href) });
const cart: Cart = { currency: 'USD', lines: [{ sku: 'latte', category: 'drinks', unit_price_minor: 450, quantity: 2 }] };
loyalty.setCart(cart);
const off: () => void = loyalty.on('balance', (e) => console.log(e.detail));
off();
defineElements();
const ready: Loyalty = await loyalty.ready;
console.log(ready.state?.balance, loyalty.redeem('coffee'));
// @ts-expect-error api is a URL string (fails if the types were any)
createLoyalty({ api: 1 });
`,
    );
    const options = { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, lib: ['es2022', 'dom'], types: [] };
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['usage.ts'] }));
    return run(path.join(WEB, 'node_modules/.bin/tsc'), ['-p', path.join(app, 'tsconfig.json')]);
  }

  async function packAndInstall() {
    tarball = await pack(WEB, tmp);
    await installInto(app, tarball);
    installed = path.join(app, 'node_modules', NAME);
    typeCheck = startTypeCheck(); // runs while the browser tests do
    resolved = await resolveByName();
  }

  // What Node resolves each specifier to from the app (its `import` conditions), as a path inside
  // app/, or {error}. The pages load the files found this way, not paths written here.
  async function resolveByName() {
    const script = `process.stdout.write(JSON.stringify(${JSON.stringify(SPECIFIERS)}.map((s) => {
  try { return import.meta.resolve(s); } catch (e) { return { error: e.message }; }
})))`;
    fs.writeFileSync(path.join(app, 'resolve.mjs'), script);
    const out = await run(process.execPath, [path.join(app, 'resolve.mjs')], { cwd: app });
    assert.equal(out.status, 0, out.stderr);
    const urls = JSON.parse(out.stdout);
    return Object.fromEntries(urls.map((url, i) => [SPECIFIERS[i], typeof url === 'string' ? path.relative(app, fileURLToPath(url)) : url]));
  }

  async function serverWithMember() {
    server = await startServer(programFile('cafe'));
    await enroll(server, 'pkg-ana');
    const gift = await server.admin('POST', '/v1/adjustments', { member_id: 'pkg-ana', points: 345, reason: 'Welcome' });
    assert.equal(gift.status, 200, JSON.stringify(gift.data));
    token = mintToken('pkg-ana');
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-widget-pack-'));
    app = path.join(tmp, 'app');
    // npm, the server and Chromium start side by side (all settled, so after() can stop them).
    const started = await Promise.allSettled([packAndInstall(), serverWithMember(), launchBrowser()]);
    browser = started[2].value;
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    // The shop's site serves the installed package, and nothing else of the widget: the harness's
    // copy of build/web goes, so a page can only work with the packaged files.
    fs.rmSync(path.join(server.site, 'loyalty'), { recursive: true, force: true });
    fs.cpSync(path.join(app, 'node_modules'), path.join(server.site, 'node_modules'), { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball holds exactly the files needed at run time', () => {
    assert.deepEqual(tarballFiles(tarball), SHIPPED);
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.dependencies ?? {}, {}, 'no run-time dependencies: the core is bundled in');
    // The bundles shipped are the ones built (and tested) in build/web, not an older copy.
    for (const f of ['loyalty.js', 'loyalty.mjs', 'loyalty_core.js', 'loyalty_core.wasm']) {
      assert.ok(fs.readFileSync(path.join(installed, 'dist', f)).equals(fs.readFileSync(path.join(WEB_BUILD, f))), `dist/${f} is build/web/${f}`);
    }
  });

  test('every target of exports, main and types is in the package, and Node resolves them by name', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './loyalty.js', './loyalty_core.js', './loyalty_core.wasm', './package.json']);
    assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'import'], 'types first, then import');
    for (const t of [...exportTargets(pkg.exports), pkg.main, pkg.types]) {
      assert.ok(fs.existsSync(path.join(installed, t)), `${t} is in the package`);
    }
    for (const s of SPECIFIERS) {
      assert.equal(typeof resolved[s], 'string', `Node resolves ${s}: ${resolved[s]?.error}`);
      assert.ok(fs.existsSync(path.join(app, resolved[s])), `${s} resolves to ${resolved[s]}, which exists`);
    }
    assert.equal(resolved[NAME], 'node_modules/@loyalty/widget/dist/loyalty.mjs');
  });

  // A page of the shop: the portal, plus the widget loaded by `head` (served from the site root).
  async function render(name, head) {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Package</title>${head}</head>
<body><loyalty-portal></loyalty-portal></body></html>`;
    fs.writeFileSync(path.join(server.site, `${name}.html`), html);
    const coreRequests = [];
    const context = await browser.newContext();
    context.on('request', (r) => /loyalty_core\.(js|wasm)$/.test(r.url()) && coreRequests.push(new URL(r.url()).pathname));
    const page = await openPage(browser, `${server.base}/${name}.html`, { context });
    try {
      const state = (await server.shopper('pkg-ana', 'GET', '/v1/members/me')).data;
      const seen = await page.evaluate(() => ({
        balance: document.querySelector('loyalty-portal').shadowRoot?.querySelector('[part=balance]')?.textContent ?? '',
        core: window.Loyalty.app.view.core,
        catalog: window.Loyalty.app.view.catalog !== null,
        defined: !!customElements.get('loyalty-portal') && !!customElements.get('loyalty-checkout'),
      }));
      const points = await page.evaluate((n) => new Intl.NumberFormat('en').format(n), state.balance);
      assert.ok(state.balance >= 345, 'the welcome adjustment is in the balance');
      assert.ok(seen.balance.startsWith(points), `the portal shows the balance ${points}: "${seen.balance}"`);
      assert.equal(seen.core, 'ready', 'the packaged WebAssembly core loaded');
      assert.ok(seen.catalog, 'the core computed the catalog');
      assert.ok(seen.defined, 'the custom elements are defined');
      const dist = `/${path.dirname(resolved[`${NAME}/loyalty_core.wasm`])}/`;
      assert.deepEqual([...new Set(coreRequests)].sort(), [`${dist}loyalty_core.js`, `${dist}loyalty_core.wasm`], 'the core comes from the package');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  }

  test('the installed script-tag bundle renders <loyalty-portal> with the packaged core', async () => {
    const src = `/${resolved[`${NAME}/loyalty.js`]}`;
    await render('script-tag', `<script src="${src}" async data-api="" data-token="${token}" data-locale="en" data-refresh="0"></script>`);
  });

  test('the installed ES module entry, imported by name (import map), renders <loyalty-portal> with the core beside it', async () => {
    const imports = { [NAME]: `/${resolved[NAME]}` };
    // No base: the module finds loyalty_core.js/.wasm in its own folder.
    await render(
      'module',
      `<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
import { createLoyalty } from '${NAME}';
window.Loyalty = createLoyalty({ api: '', token: '${token}', locale: 'en', refreshSeconds: 0 });
</script>`,
    );
  });

  test('TypeScript resolves the types by the package name (tsc --noEmit, nodenext)', async () => {
    const out = await typeCheck;
    assert.equal(out.status, 0, `tsc failed:\n${out.stdout}${out.stderr}`);
  });
});
