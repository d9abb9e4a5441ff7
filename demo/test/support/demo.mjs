// Starts the whole demo (demo/start.sh: a loyalty server per shop and the shop) on free ports
// with a temporary data dir, and a headless Chromium to drive it; `stop()` ends both and removes
// the data. The same start-up demo.test.mjs does, for test files that need only the pages.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ROOT = path.resolve(DEMO, '..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** The shop and its loyalty servers (demo/start.sh) on free ports with a temporary data folder:
 * {base, data, stop()} once the demo says it is up; stop() ends them and removes the folder. */
export async function startShop(prefix = 'loyalty-demo-') {
  const [port, cafe, fashion] = [await freePort(), await freePort(), await freePort()];
  const data = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const demo = spawn('bash', [path.join(DEMO, 'start.sh'), '--port', String(port), '--cafe-port', String(cafe), '--fashion-port', String(fashion), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${out}`)), 180_000);
    demo.stdout.on('data', (d) => { out += d; if (out.includes('Demo shop:')) { clearTimeout(timer); resolve(); } });
    demo.stderr.on('data', (d) => { out += d; });
    demo.on('exit', (code) => { clearTimeout(timer); reject(new Error(`start.sh exited with ${code}:\n${out}`)); });
  });
  const stop = async () => {
    if (demo.exitCode === null) {
      try { process.kill(-demo.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((r) => { demo.on('exit', r); setTimeout(r, 5000); });
    }
    fs.rmSync(data, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${port}`, data, stop };
}

/** Headless Chromium from Debian's package. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** {base, browser, newPage(width), stop()}: the shop and a browser to drive it. */
export async function startDemo(prefix = 'loyalty-demo-') {
  const shop = await startShop(prefix);
  const browser = await launchChromium();
  return {
    base: shop.base,
    browser,
    async newPage(width = 1366, height = 900) {
      const c = await browser.newContext({ viewport: { width, height }, reducedMotion: 'reduce' });
      const page = await c.newPage();
      page.errors = [];
      page.on('pageerror', (e) => page.errors.push(e.message));
      return page;
    },
    async stop() {
      await browser.close();
      await shop.stop();
    },
  };
}
