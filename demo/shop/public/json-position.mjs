// Where a JSON text first goes wrong: {offset, line, column (both 1-based), problem}, or null when
// the text is valid JSON. JSON.parse in Chromium names no position for most syntax errors, so the
// merchant console walks the text itself (RFC 8259 grammar) to point the merchant at a line.
// `problem` is a key of the merchant page's messages (English text as the key).

const WS = new Set([' ', '\t', '\n', '\r']);

export function jsonSyntaxError(text) {
  let i = 0;
  const fail = (problem, at = i) => {
    throw Object.assign(new Error(problem), { offset: Math.min(at, text.length), problem });
  };
  const ws = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  // The next value on a new line: the comma was forgotten at the end of the line before, which is
  // where the merchant has to type it.
  const missingComma = (end, otherwise) => {
    if (text.slice(end, i).includes('\n') && i < text.length) fail("Missing ',' at the end of this line", end);
    fail(otherwise);
  };
  const string = () => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('Unterminated string', start);
      const c = text[i];
      if (c === '"') return void i++;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('Invalid escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('Invalid escape in a string');
      } else if (c < ' ') fail('Line break or control character inside a string');
      else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('Expected a value');
    i += m[0].length;
  };
  const literal = () => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    fail('Expected a value');
  };
  const value = (depth) => {
    if (depth > 512) fail('Nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === undefined) fail('Unexpected end of the document');
    return literal();
  };
  const object = (depth) => {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    for (;;) {
      ws();
      if (text[i] !== '"') fail(text[i] === '}' ? 'Trailing comma before }' : 'Expected a "quoted" key');
      string();
      ws();
      if (text[i] !== ':') fail("Expected ':' after the key");
      i++;
      value(depth + 1);
      const end = i;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') return void i++;
      missingComma(end, "Expected ',' or '}' after a value");
    }
  };
  const array = (depth) => {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (;;) {
      ws();
      if (text[i] === ']') fail('Trailing comma before ]');
      value(depth + 1);
      const end = i;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') return void i++;
      missingComma(end, "Expected ',' or ']' after a value");
    }
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('Unexpected text after the document');
    return null;
  } catch (e) {
    if (e.offset === undefined) throw e;
    return { ...lineColumn(text, e.offset), offset: e.offset, problem: e.problem };
  }
}

/** 1-based line and column of an offset (columns count UTF-16 units, as the textarea does). */
export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
