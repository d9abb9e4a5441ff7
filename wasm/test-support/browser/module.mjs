// The ES-module build with the factory from the glue's script tag (globalThis.createLoyaltyCore).
import { LoyaltyCore, LoyaltyError } from '/wasm/loyalty-core.mjs';

try {
  const core = await LoyaltyCore.load({ wasmUrl: '/wasm/loyalty_core.wasm' });
  const cases = await (await fetch('/engine-cases.json')).json();
  const engine = core.engine(cases.program);
  const answers = cases.engine.map(([op, text]) => engine.callJson(op, text));
  let error = null;
  try {
    engine.preview({ cart: 'not a cart' });
  } catch (e) {
    error = { isLoyaltyError: e instanceof LoyaltyError, code: e.code, path: e.path };
  }
  engine.delete();
  window.__result = { answers, error, seen: window.__seen };
} catch (e) {
  window.__result = { failure: String((e && e.stack) || e), seen: window.__seen };
}
document.getElementById('out').textContent = JSON.stringify(window.__result).slice(0, 2000);
