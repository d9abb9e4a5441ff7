// Counts how the module is instantiated and records CSP violations, before anything loads.
window.__seen = { streaming: 0, plain: 0, violations: [] };
const streaming = WebAssembly.instantiateStreaming;
if (streaming) {
  WebAssembly.instantiateStreaming = function (...args) {
    window.__seen.streaming++;
    return streaming.apply(this, args);
  };
}
const plain = WebAssembly.instantiate;
WebAssembly.instantiate = function (...args) {
  window.__seen.plain++;
  return plain.apply(this, args);
};
document.addEventListener('securitypolicyviolation', (e) => window.__seen.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
