// Types for loyalty-core.mjs, the JS face of the WebAssembly rules core. Written by hand
// (Emscripten 3.1.6 has no --emit-tsd) and type-checked against test/types/usage.ts.

/** The operations of spec/engine.md. */
export type Operation = 'validate' | 'replay' | 'apply' | 'advance' | 'preview' | 'catalog' | 'metrics';

/** Error codes of spec/engine.md, plus "load_failed" from LoyaltyCore.load. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_program'
  | 'invalid_request'
  | 'invalid_cart'
  | 'invalid_event'
  | 'unknown_reward'
  | 'insufficient_points'
  | 'not_eligible'
  | 'limit_exceeded'
  | 'overflow'
  | 'too_large'
  | 'load_failed';

/** Any JSON value the core reads or writes. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A request: a JSON object, or its JSON text. */
export type Request = object | string;

/** The spec's error object, as returned by callJson. */
export interface ErrorResponse {
  error: { code: ErrorCode | string; message: string; path: string };
}

/** An error response of the core, or a call refused for its argument types. */
export class LoyaltyError extends Error {
  constructor(code: ErrorCode | string, message: string, path?: string, options?: { cause?: unknown });
  readonly name: 'LoyaltyError';
  /** One of the spec's codes. */
  code: ErrorCode | string;
  /** JSON pointer of the offending input; "" when the whole document is at fault. */
  path: string;
  toJSON(): ErrorResponse;
}

/** A program parsed once and reused; its requests omit "program". */
export interface Engine {
  /** False after delete(). */
  readonly alive: boolean;
  /** The core's response bytes; never throws (an error is an error response). */
  callJson(operation: Operation | string, requestJson: string): string;
  /** Parsed response; throws LoyaltyError on an error response or bad arguments. */
  call(operation: Operation | string, request?: Request): JsonObject;
  validate(request?: Request): JsonObject;
  preview(request: Request): JsonObject;
  catalog(request: Request): JsonObject;
  apply(request: Request): JsonObject;
  advance(request: Request): JsonObject;
  replay(request: Request): JsonObject;
  metrics(request: Request): JsonObject;
  /** Frees the C++ engine. Later calls answer "this engine was deleted". Safe to call twice. */
  delete(): void;
}

/** A loaded WebAssembly module. */
export interface Core {
  readonly operations: readonly Operation[];
  /** Current size of the module's linear memory, in bytes. */
  readonly memoryBytes: number;
  /** How many allocations inside the module are live (for leak checks); -1 if it cannot say. */
  readonly liveAllocations: number;
  /** One-shot call (the request carries "program"); the core's bytes, never throws. */
  callJson(operation: Operation | string, requestJson: string): string;
  /** One-shot call, parsed; throws LoyaltyError on an error response or bad arguments. */
  call(operation: Operation | string, request: Request): JsonObject;
  /** Loads a program; throws LoyaltyError (code "invalid_program", ...) when it is invalid. */
  engine(program: Request): Engine;
}

/** The createLoyaltyCore function that loyalty_core.js defines (Emscripten MODULARIZE). */
export type LoyaltyCoreFactory = (options?: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  [option: string]: unknown;
}) => Promise<unknown>;

export interface LoadOptions {
  /** Default: globalThis.createLoyaltyCore. */
  factory?: LoyaltyCoreFactory;
  /** Where loyalty_core.wasm is served (browser; streamed when served as application/wasm). */
  wasmUrl?: string | URL;
  /** The .wasm bytes (Node: Emscripten 3.1.6 cannot fetch a file path there). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Browser only: load loyalty_core.js from here when no factory is at hand. */
  scriptUrl?: string | URL;
}

export const LoyaltyCore: {
  /** Instantiates the module; rejects with LoyaltyError code "load_failed". */
  load(options?: LoadOptions): Promise<Core>;
};

export default LoyaltyCore;
