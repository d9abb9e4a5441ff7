// The JavaScript face of the WebAssembly rules core (loyalty_core.js + loyalty_core.wasm).
//
// The module answers with the core's own JSON bytes; this layer only checks argument types,
// turns objects into JSON and back, and turns error responses into LoyaltyError. It decides
// nothing about loyalty rules. Nothing thrown inside the module (an Embind type error, a trap)
// gets out of callJson: it becomes the spec's error object like every other failure.
//
// API (types in loyalty-core.d.ts, documentation in ../README.md):
//   const core = await LoyaltyCore.load({ factory, wasmUrl, wasmBinary, scriptUrl });
//   core.callJson(op, json) -> string        never throws
//   core.call(op, request) -> object         throws LoyaltyError
//   const engine = core.engine(program);     throws LoyaltyError for an invalid program
//   engine.preview(request) ...; engine.delete();

const OPERATIONS = Object.freeze(['validate', 'replay', 'apply', 'advance', 'preview', 'catalog', 'metrics']);

// The core's default request limit (core/include/loyalty/loyalty.hpp, Limits::max_request_bytes).
// A string longer than this many UTF-16 units is over the limit in UTF-8 bytes as well, so it is
// answered here without copying it into wasm memory (which would grow and never shrink); the
// answer is the one the core gives, byte for byte (checked against the native CLI in the tests).
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** An error response of the core, or a call the JS layer refused (wrong argument types). */
export class LoyaltyError extends Error {
  constructor(code, message, path = '', options) {
    super(message, options);
    this.name = 'LoyaltyError';
    /** One of the codes of spec/engine.md ("invalid_json", "invalid_program", ...). */
    this.code = code;
    /** JSON pointer of the offending input; "" when the whole document is at fault. */
    this.path = path;
  }

  /** The error object as the core writes it: {"error": {code, message, path}}. */
  toJSON() {
    return { error: { code: this.code, message: this.message, path: this.path } };
  }
}

// Same member order as the core (sorted keys, compact).
function errorJson(code, message, path = '') {
  return JSON.stringify({ error: { code: String(code), message: String(message), path: String(path) } });
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function errorFromResponse(response) {
  let parsed;
  try {
    parsed = JSON.parse(response);
  } catch {
    return new LoyaltyError('invalid_request', 'unreadable error response from the core');
  }
  const e = parsed && parsed.error ? parsed.error : {};
  return new LoyaltyError(e.code ?? 'invalid_request', e.message ?? '', e.path ?? '');
}

// The request (or program) as JSON text, or a LoyaltyError explaining why it cannot be one.
function toJsonText(value, what) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') {
    return new LoyaltyError('invalid_request', `${what} must be an object or a JSON string, got ${describe(value)}`);
  }
  try {
    const text = JSON.stringify(value);
    if (typeof text !== 'string') {
      return new LoyaltyError('invalid_request', `${what} cannot be written as JSON`);
    }
    return text;
  } catch (cause) {
    // Cycles, BigInt, toJSON that throws, nesting too deep for JSON.stringify's own stack.
    return new LoyaltyError('invalid_request', `${what} cannot be written as JSON: ${cause && cause.message}`, '', { cause });
  }
}

function parseResponse(response) {
  if (response.startsWith('{"error":')) throw errorFromResponse(response);
  return JSON.parse(response);
}

// Runs one call into the module; whatever it throws becomes an error response.
function guard(module, fn) {
  if (module.broken) {
    return errorJson('invalid_request', `the WebAssembly module stopped after a fatal error: ${module.broken}`);
  }
  try {
    const out = fn();
    if (typeof out !== 'string') return errorJson('invalid_request', 'the WebAssembly module returned no answer');
    return out;
  } catch (e) {
    // A RuntimeError (trap, abort) leaves the module unusable; say so on every later call.
    if (e instanceof WebAssembly.RuntimeError || (e && e.name === 'RuntimeError')) {
      module.broken = e.message || 'trap';
    }
    if (e && (e.name === 'RangeError' || /memory/i.test(String(e && e.message)))) {
      return errorJson('too_large', 'out of memory while answering the request');
    }
    return errorJson('invalid_request', `the WebAssembly module failed: ${e && e.message ? e.message : String(e)}`);
  }
}

// Lone surrogates have no UTF-8 form. Emscripten's encoder would fold one into the next
// character (a different code point, and one character lost), so the core would see other bytes
// than any other door gets for the same string (Node, fetch and TextEncoder all write U+FFFD).
// Replacing them here gives every door the same bytes.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormed(text) {
  if (typeof text.isWellFormed === 'function') return text.isWellFormed() ? text : text.toWellFormed();
  return text.replace(LONE_SURROGATE, '\ufffd');
}

// Either {answer} (refused here, or answered exactly as the core would) or the arguments to
// pass to the module.
function prepare(module, operation, requestJson) {
  if (typeof operation !== 'string') {
    return { answer: errorJson('invalid_request', `operation must be a string, got ${describe(operation)}`) };
  }
  if (typeof requestJson !== 'string') {
    return { answer: errorJson('invalid_request', `the request must be a JSON string, got ${describe(requestJson)}`) };
  }
  operation = wellFormed(operation);
  if (requestJson.length > MAX_REQUEST_BYTES) {
    // An unknown operation is answered before the request is read, so the core gets an empty
    // one and gives its own answer; a known one gets the core's too_large answer.
    if (!OPERATIONS.includes(operation)) return { operation, request: '' };
    const bytes = module.lengthBytesUTF8(wellFormed(requestJson));
    return { answer: errorJson('too_large', `the request is ${bytes} bytes; the limit is ${MAX_REQUEST_BYTES}`) };
  }
  return { operation, request: wellFormed(requestJson) };
}

// Strings cross into the module as UTF-8 written straight into its kept input buffer, and the
// answer comes back as a view of its bytes (wasm/bindings.cpp, "The byte path"): no copy of
// either through Embind's std::string conversion. The view is asked for again only when a
// request needs more room or memory growth detached it; a buffer grown past 1 MiB for one large
// request is given back after that call.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const KEEP_INPUT_BYTES = 1 << 20;
const OUT_OF_MEMORY = errorJson('too_large', 'out of memory while answering the request');

class Transfer {
  #module;
  #view = null;
  #size = 0; // bytes the module's input holds (a view detached by memory growth reads 0)

  constructor(module) {
    this.#module = module;
  }

  /** Answers `run(operationBytes, requestBytes)` with the arguments in the module's input. */
  call(operation, request, run) {
    const room = (operation.length + request.length) * 3; // a UTF-16 unit is at most 3 bytes
    let view = this.#view;
    if (view === null || view.byteLength < room) {
      if (this.#size < room) this.#size = Math.max(room, 2 * this.#size, 4096);
      view = this.#module.inputView(this.#size);
      this.#view = view;
      if (view === null) {
        this.#size = 0;
        return OUT_OF_MEMORY;
      }
    }
    try {
      const op = encoder.encodeInto(operation, view).written;
      const req = encoder.encodeInto(request, view.subarray(op)).written;
      return decoder.decode(run(op, req));
    } finally {
      if (this.#size > KEEP_INPUT_BYTES) {
        this.#view = null;
        this.#size = 0;
        this.#module.inputView(0);
      }
    }
  }
}

function transferOf(module) {
  if (!module.transfer) module.transfer = new Transfer(module);
  return module.transfer;
}

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => {
        try {
          handle.delete();
        } catch {
          // already freed, or the module is gone
        }
      })
    : null;

/** A program parsed once and reused; requests omit "program". */
class Engine {
  #module;
  #handle;

  constructor(module, handle) {
    this.#module = module;
    this.#handle = handle;
    if (registry) registry.register(this, handle, this);
  }

  /** True until delete(). */
  get alive() {
    return this.#handle !== null;
  }

  callJson(operation, requestJson) {
    const args = prepare(this.#module, operation, requestJson);
    if (args.answer) return args.answer;
    const handle = this.#handle;
    if (handle === null) return errorJson('invalid_request', 'this engine was deleted');
    return guard(this.#module, () =>
      transferOf(this.#module).call(args.operation, args.request, (op, req) => handle.callInput(op, req)),
    );
  }

  call(operation, request) {
    if (typeof operation !== 'string') {
      throw new LoyaltyError('invalid_request', `operation must be a string, got ${describe(operation)}`);
    }
    const text = toJsonText(request, 'the request');
    if (text instanceof LoyaltyError) throw text;
    return parseResponse(this.callJson(operation, text));
  }

  validate(request = {}) { return this.call('validate', request); }
  preview(request) { return this.call('preview', request); }
  catalog(request) { return this.call('catalog', request); }
  apply(request) { return this.call('apply', request); }
  advance(request) { return this.call('advance', request); }
  replay(request) { return this.call('replay', request); }
  metrics(request) { return this.call('metrics', request); }

  /** Frees the C++ engine now; later calls answer with an error. Safe to call twice. */
  delete() {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    if (registry) registry.unregister(this);
    try {
      handle.delete();
    } catch {
      // the module is gone: nothing left to free
    }
  }
}

class Core {
  #module;

  constructor(module) {
    this.#module = module;
  }

  /** The operations the core answers. */
  get operations() {
    return OPERATIONS;
  }

  /** The raw WebAssembly memory size in bytes (for leak checks). */
  get memoryBytes() {
    const m = this.#module;
    return m.HEAP8 ? m.HEAP8.buffer.byteLength : 0;
  }

  /** How many allocations inside the module are live (for leak checks); -1 if it cannot say. */
  get liveAllocations() {
    const m = this.#module;
    return typeof m.liveAllocations === 'function' ? m.liveAllocations() >>> 0 : -1;
  }

  callJson(operation, requestJson) {
    const module = this.#module;
    const args = prepare(module, operation, requestJson);
    if (args.answer) return args.answer;
    return guard(module, () =>
      transferOf(module).call(args.operation, args.request, (op, req) => module.callInput(op, req)),
    );
  }

  call(operation, request) {
    if (typeof operation !== 'string') {
      throw new LoyaltyError('invalid_request', `operation must be a string, got ${describe(operation)}`);
    }
    const text = toJsonText(request, 'the request');
    if (text instanceof LoyaltyError) throw text;
    return parseResponse(this.callJson(operation, text));
  }

  engine(program) {
    const module = this.#module;
    let text = toJsonText(program, 'the program');
    if (text instanceof LoyaltyError) throw text;
    text = wellFormed(text);
    if (text.length > MAX_REQUEST_BYTES) {
      throw new LoyaltyError('too_large', `the request is ${module.lengthBytesUTF8(text)} bytes; the limit is ${MAX_REQUEST_BYTES}`);
    }
    let handle = null;
    const failure = guard(module, () => {
      handle = new module.Engine(text);
      return '';
    });
    if (failure) throw errorFromResponse(failure);
    let error = '';
    const okay = (() => {
      try {
        if (handle.ok()) return true;
        error = handle.error();
        return false;
      } catch (e) {
        error = errorJson('invalid_request', `the WebAssembly module failed: ${e && e.message}`);
        return false;
      }
    })();
    if (!okay) {
      try {
        handle.delete();
      } catch {
        // nothing to free
      }
      throw errorFromResponse(error);
    }
    return new Engine(module, handle);
  }
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = String(url);
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

export const LoyaltyCore = Object.freeze({
  /**
   * Instantiates the module. factory: the createLoyaltyCore function (default: the global one
   * that loyalty_core.js defines); wasmUrl: where loyalty_core.wasm is (streamed in browsers);
   * wasmBinary: the bytes (Node); scriptUrl: in a browser, load loyalty_core.js from there first
   * when no factory is at hand. Rejects with LoyaltyError code "load_failed".
   */
  async load({ factory, wasmUrl, wasmBinary, scriptUrl } = {}) {
    try {
      let create = factory ?? globalThis.createLoyaltyCore;
      if (typeof create !== 'function' && scriptUrl && typeof document !== 'undefined') {
        await loadScript(scriptUrl);
        create = globalThis.createLoyaltyCore;
      }
      if (typeof create !== 'function') {
        throw new Error('createLoyaltyCore is not defined: load loyalty_core.js first or pass {factory}');
      }
      const options = {};
      if (wasmBinary) options.wasmBinary = wasmBinary;
      if (wasmUrl) {
        const url = String(wasmUrl);
        options.locateFile = (path, prefix) => (path.endsWith('.wasm') ? url : prefix + path);
      }
      const module = await create(options);
      if (!module || typeof module.call !== 'function' || typeof module.Engine !== 'function') {
        throw new Error('the factory did not produce the loyalty core module');
      }
      return new Core(module);
    } catch (cause) {
      if (cause instanceof LoyaltyError) throw cause;
      throw new LoyaltyError('load_failed', `could not load the loyalty core: ${cause && cause.message ? cause.message : String(cause)}`, '', { cause });
    }
  },
});

export default LoyaltyCore;
