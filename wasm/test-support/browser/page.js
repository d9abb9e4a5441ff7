// Loads the core like the widget will and runs the requests the test hands over in the URL hash
// (a JSON list of [operation, requestText]); the answers go to window.__result.
(async () => {
  const out = document.getElementById('out');
  try {
    while (!window.LoyaltyCore) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    const core = await LoyaltyCore.load({ scriptUrl: '/wasm/loyalty_core.js', wasmUrl: '/wasm/loyalty_core.wasm' });
    const loadMs = performance.now() - started;
    const cases = await (await fetch('/cases.json')).json();
    const answers = cases.map(([op, text]) => core.callJson(op, text));
    let error = null;
    try {
      core.engine({ schema: 'loyalty-program/1' });
    } catch (e) {
      error = { isLoyaltyError: e instanceof LoyaltyError, code: e.code, path: e.path };
    }
    window.__result = { answers, error, loadMs, seen: window.__seen };
  } catch (e) {
    window.__result = { failure: String(e && e.stack || e), seen: window.__seen };
  }
  out.textContent = JSON.stringify(window.__result).slice(0, 2000);
})();
