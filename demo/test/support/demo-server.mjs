// Starts the whole demo (demo/start.sh: two loyalty servers, seeding, the shop) on free ports with
// a temporary data folder, and a headless Chromium; stops both. For the simulator's browser test
// and its benchmark.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** {base, data, stop()} once the shop answers. */
export async function startDemo() {
  const [port, cafe, fashion] = [await freePort(), await freePort(), await freePort()];
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'loyalty-sim-'));
  const child = spawn('bash', [path.join(DEMO, 'start.sh'), '--port', String(port), '--cafe-port', String(cafe), '--fashion-port', String(fashion), '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${out}`)), 180_000);
    child.stdout.on('data', (d) => { out += d; if (out.includes('Demo shop:')) { clearTimeout(timer); resolve(); } });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`start.sh exited with ${code}:\n${out}`)); });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((r) => { child.on('exit', r); setTimeout(r, 5000); });
    }
    fs.rmSync(data, { recursive: true, force: true });
  };
  return { base: `http://127.0.0.1:${port}`, data, stop };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Replaces the editor's draft with edit(draft) and waits until the page has validated it. */
export async function editDraft(page, edit) {
  await page.locator('[role=tab][data-tab="json"]').click();  // the page opens on its form
  const text = await page.inputValue('[data-source]');
  const draft = edit(JSON.parse(text));
  await page.fill('[data-source]', JSON.stringify(draft, null, 2));
  // The page checks the text 120 ms after the last keystroke; the status may say "valid" already.
  await page.waitForTimeout(400);
  await page.waitForFunction(() => document.querySelector('[data-status]').classList.contains('ok'), null, { timeout: 10_000 });
  return draft;
}

/** Fills the simulator's form: {source, size, ...synthetic options}. */
export async function fillSimulator(page, { source = 'synthetic', size, ...options }) {
  await page.check(`[data-simulator] input[name=source][value=${source}]`);
  if (size != null) await page.fill('[data-simulator] input[name=size]', String(size));
  for (const [name, value] of Object.entries(options)) await page.fill(`[data-simulator] input[name=${name}]`, String(value));
}

/** Clicks Run and resolves with the milliseconds until the report is on the page. */
export async function runSimulator(page, timeout = 300_000) {
  const before = await page.getAttribute('[data-simulator]', 'data-sim-done');
  const t0 = Date.now();
  await page.click('[data-sim-run]');
  await page.waitForFunction((b) => {
    const s = document.querySelector('[data-simulator]');
    return s.dataset.simDone !== (b ?? undefined) || /fail/i.test(s.querySelector('[data-sim-status]').textContent);
  }, before, { timeout, polling: 'raf' });
  return Date.now() - t0;
}
