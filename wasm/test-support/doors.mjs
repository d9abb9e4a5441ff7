// The doors the tests compare: the WebAssembly module (release and -sASSERTIONS=1 variants,
// through the JS layer) and the native CLI (build/bin/loyalty, or $LOYALTY_CLI), one process per
// request (cli) or many requests through one (cliBatch, `loyalty batch`).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNode, wasmDir } from '../js/node.mjs';

export const WASM_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(WASM_ROOT, '..');
export const VECTORS = path.join(REPO, 'tests/vectors');
export const CLI = path.resolve(process.env.LOYALTY_CLI ?? path.join(REPO, 'build/bin/loyalty'));

export const VARIANTS = [
  { name: 'release', debug: false },
  { name: 'debug (-sASSERTIONS=1)', debug: true },
];

const loaded = new Map();
export function core(variant) {
  const key = variant.debug ? 'debug' : 'release';
  if (!loaded.has(key)) loaded.set(key, loadNode({ debug: variant.debug }));
  return loaded.get(key);
}

export function built() {
  return fs.existsSync(path.join(wasmDir(), 'loyalty_core.wasm')) && fs.existsSync(path.join(wasmDir({ debug: true }), 'loyalty_core.wasm'));
}

/** The CLI's stdout (bytes, as a string) and exit code for one request. */
export function cli(operation, text) {
  const out = spawnSync(CLI, [operation], { input: text, maxBuffer: 1 << 30 });
  if (out.error) throw out.error;
  return { stdout: out.stdout.toString('utf8'), status: out.status, stderr: out.stderr.toString('utf8') };
}

/**
 * Many requests through one `loyalty batch` process: [{operation, text}] in, the same answers
 * as cli() gives for each ({stdout, status}) out, in order.
 */
export function cliBatch(requests) {
  const frames = [];
  for (const { operation, text } of requests) {
    const body = Buffer.from(text, 'utf8');
    frames.push(Buffer.from(`${operation} ${body.length}\n`, 'utf8'), body);
  }
  const out = spawnSync(CLI, ['batch'], { input: Buffer.concat(frames), maxBuffer: 1 << 30 });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`loyalty batch exited ${out.status}: ${out.stderr.toString('utf8')}`);
  const answers = [];
  const bytes = out.stdout;
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf(10, at);
    const [status, length] = bytes.subarray(at, eol).toString('latin1').split(' ').map(Number);
    answers.push({ status, stdout: bytes.subarray(eol + 1, eol + 1 + length).toString('utf8') });
    at = eol + 1 + length;
  }
  if (answers.length !== requests.length) throw new Error(`loyalty batch answered ${answers.length} of ${requests.length} requests`);
  return answers;
}

/** Every vector: {operation, name, request, response} with the files' text (response null when its file is missing). */
export function vectors() {
  const list = [];
  if (!fs.existsSync(VECTORS)) return list;
  for (const operation of fs.readdirSync(VECTORS).sort()) {
    const dir = path.join(VECTORS, operation);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.request.json')) continue;
      const name = file.slice(0, -'.request.json'.length);
      const responseFile = path.join(dir, `${name}.response.json`);
      list.push({
        operation, name,
        request: fs.readFileSync(path.join(dir, file), 'utf8'),
        response: fs.existsSync(responseFile) ? fs.readFileSync(responseFile, 'utf8') : null,
      });
    }
  }
  return list;
}

export function short(text, n = 300) {
  return text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
}
