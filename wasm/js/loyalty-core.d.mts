// TypeScript looks for `.d.mts` beside an `.mjs` module; the types live in loyalty-core.d.ts.
export * from './loyalty-core.js';
export { default } from './loyalty-core.js';
