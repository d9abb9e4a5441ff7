// A tiny static server on 127.0.0.1 for the browser test: /wasm/* from the built module
// directory, everything else from test-support/browser. Pages are served with a strict
// Content-Security-Policy (no eval, only 'wasm-unsafe-eval'), as a careful shop would.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json' };
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

// `moduleDir`, when given, serves the module itself (loyalty_core.js and .wasm) from another
// build, the debug one, with the JS layer still from `wasmDir`.
const MODULE_FILES = new Set(['/wasm/loyalty_core.js', '/wasm/loyalty_core.wasm']);

export function serve(wasmDir, routes = {}, { moduleDir } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const rel = decodeURIComponent(url.pathname);
    if (rel === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (Object.hasOwn(routes, rel)) {
      requests.push({ path: rel, status: 200, type: 'application/json' });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(routes[rel]);
      return;
    }
    const dir = moduleDir && MODULE_FILES.has(rel) ? moduleDir : wasmDir;
    const file = rel.startsWith('/wasm/')
      ? path.join(dir, rel.slice('/wasm/'.length))
      : path.join(here, 'browser', rel === '/' ? 'index.html' : rel.slice(1));
    const root = rel.startsWith('/wasm/') ? dir : path.join(here, 'browser');
    if (!path.resolve(file).startsWith(path.resolve(root)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      requests.push({ path: rel, status: 404 });
      res.writeHead(404).end('not found');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    requests.push({ path: rel, status: 200, type, file });
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
