// Types for node.mjs: loading the core in Node (from the npm package, or build/wasm).
import type { Core } from './loyalty-core.mjs';
export { LoyaltyCore, LoyaltyError } from './loyalty-core.mjs';
export type * from './loyalty-core.mjs';

export interface NodeLoadOptions {
  /** Load the -sASSERTIONS=1 variant (build/wasm/debug; not in the npm package). */
  debug?: boolean;
  /** Directory holding loyalty_core.js and loyalty_core.wasm (default $LOYALTY_WASM_DIR, else the package's own, else build/wasm). */
  dir?: string;
}
export function wasmDir(options?: NodeLoadOptions): string;
export function loadNode(options?: NodeLoadOptions): Promise<Core>;
