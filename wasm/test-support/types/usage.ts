// How the widget uses the core, type-checked with `tsc --noEmit` against js/loyalty-core.d.ts
// (test/types.test.mjs). Lines marked @ts-expect-error must stay errors: the types are strict.
import { LoyaltyCore, LoyaltyError, type Core, type Engine, type ErrorResponse, type Operation } from '../../js/loyalty-core.mjs';
import { loadNode } from '../../js/node.mjs';

declare const program: object;

async function widget(): Promise<number> {
  const core: Core = await LoyaltyCore.load({ wasmUrl: new URL('https://shop.example/loyalty/loyalty_core.wasm') });
  const text: string = core.callJson('validate', JSON.stringify({ program }));
  const parsed = JSON.parse(text) as ErrorResponse | { ok: boolean };
  if ('error' in parsed) console.log(parsed.error.code, parsed.error.path);

  const engine: Engine = core.engine(program);
  try {
    const preview = engine.preview({ state: null, cart: { currency: 'PEN', lines: [] } });
    const points = (preview.points as { total: number }).total;
    engine.catalog({ state: null });
    engine.validate();
    const op: Operation = 'apply';
    engine.call(op, '{"state":null}');
    engine.callJson('replay', '{}');
    return points;
  } catch (e) {
    if (e instanceof LoyaltyError) {
      const code: string = e.code;
      const path: string = e.path;
      console.log(code, path, e.message, e.toJSON().error.code);
    }
    return 0;
  } finally {
    engine.delete();
  }
}

async function node(): Promise<void> {
  const core = await loadNode({ debug: true });
  const bytes = new Uint8Array(8);
  await LoyaltyCore.load({ factory: async () => ({}), wasmBinary: bytes });
  console.log(core.memoryBytes, core.operations.length);

  // @ts-expect-error callJson takes JSON text, not an object
  core.callJson('validate', { program });
  // @ts-expect-error the operation is a string
  core.call(7, {});
  // @ts-expect-error preview needs a request
  core.engine(program).preview();
  // @ts-expect-error no such option
  await LoyaltyCore.load({ wasmPath: 'x' });
  // @ts-expect-error engines are made by core.engine, not by hand
  const e: Engine = new Object();
  console.log(e);
}

void widget;
void node;
