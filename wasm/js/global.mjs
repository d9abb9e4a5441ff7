// Entry of the script-tag build (build/wasm/loyalty-core.iife.js): the same API as
// loyalty-core.mjs on globalThis.LoyaltyCore / globalThis.LoyaltyError.
import { LoyaltyCore, LoyaltyError } from './loyalty-core.mjs';

globalThis.LoyaltyCore = LoyaltyCore;
globalThis.LoyaltyError = LoyaltyError;
