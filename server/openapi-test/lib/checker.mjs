// Checks recorded HTTP exchanges (server/tests/recorder.hpp writes them) against
// server/openapi.yaml: each exchange must match an operation (or the document's `x-catch-all`),
// its status must be documented for it, and its body must validate against the response schema
// (Ajv, JSON Schema 2020-12). Accepted requests (2xx) are checked too: credentials and required
// headers present, query parameters and JSON bodies valid against the request side.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const DOCUMENT = new URL("../../openapi.yaml", import.meta.url);
const SCHEMAS_ID = "urn:loyalty:openapi";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export function loadDocument(path = DOCUMENT) {
  return parseYaml(readFileSync(path, "utf8"));
}

// `#/components/schemas/X` refs point into one schema resource holding every component schema.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/"))
      out[k] = `${SCHEMAS_ID}#/$defs/${v.slice("#/components/schemas/".length)}`;
    else out[k] = rewriteRefs(v);
  }
  return out;
}

export function makeAjv(doc) {
  // strict: unknown keywords, ignored keywords, type mistakes and `required` members no
  // `properties` define are errors in the document.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(doc.components?.schemas ?? {}) });
  return ajv;
}

// Follows a `$ref` to another part of the document (responses, parameters, headers).
function deref(doc, node) {
  let n = node;
  for (let i = 0; n && typeof n.$ref === "string" && i < 10; i++) {
    if (!n.$ref.startsWith("#/")) throw new Error(`external $ref ${n.$ref}`);
    n = n.$ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((o, key) => o?.[key], doc);
    if (n === undefined) throw new Error(`dangling $ref ${node.$ref}`);
  }
  return n;
}

function templateRegex(template) {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) =>
      part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`);
}

function mediaType(contentType) {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

// A query string's value as the parameter's schema reads it ("12" is the integer 12).
function coerce(value, schema) {
  const types = [].concat(schema?.type ?? []);
  if ((types.includes("integer") || types.includes("number")) && /^-?[0-9]+(\.[0-9]+)?$/.test(value))
    return Number(value);
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

function ajvErrors(validate) {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
    .join("; ");
}

export function makeChecker(doc) {
  const ajv = makeAjv(doc);
  const compiled = new Map();
  const validator = (schema) => {
    if (!compiled.has(schema)) compiled.set(schema, ajv.compile(rewriteRefs(schema)));
    return compiled.get(schema);
  };

  // Literal paths first: a template never shadows a fixed path (OpenAPI's matching rule).
  const operations = [];
  for (const [template, item] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS)
      if (item[method])
        operations.push({
          key: `${method.toUpperCase()} ${template}`,
          method: method.toUpperCase(),
          template,
          regex: templateRegex(template),
          templated: template.includes("{"),
          op: item[method],
          parameters: [...(item.parameters ?? []), ...(item[method].parameters ?? [])].map((p) =>
            deref(doc, p),
          ),
        });
  operations.sort((a, b) => Number(a.templated) - Number(b.templated));

  const catchAll = doc["x-catch-all"] ?? {};

  function find(method, path) {
    return operations.find((o) => o.method === method && o.regex.test(path));
  }

  // The body against the documented response (content type, schema; or no body at all).
  function checkResponse(responses, status, x, where) {
    const documented = responses?.[String(status)] ?? responses?.[`${String(status)[0]}XX`];
    if (!documented) return [`${where}: status ${status} is not documented`];
    const response = deref(doc, documented);
    const errors = checkHeaders(response, x, `${where}: ${status}`);
    if (!response.content) {
      return x.body === "" ? errors : [...errors, `${where}: ${status} is documented without a body, got one`];
    }
    const type = mediaType(x.content_type);
    const media = response.content[type];
    if (!media)
      return [...errors, `${where}: ${status} answered ${type || "no content type"}, documented ${Object.keys(response.content).join(", ")}`];
    if (!media.schema || type !== "application/json") return errors;
    let body;
    try {
      body = JSON.parse(x.body);
    } catch {
      return [...errors, `${where}: ${status} body is not JSON`];
    }
    const validate = validator(media.schema);
    if (!validate(body)) errors.push(`${where}: ${status} body does not match the schema: ${ajvErrors(validate)}`);
    return errors;
  }

  // Documented response headers: present when required, valid against their schema when sent.
  function checkHeaders(response, x, where) {
    if (!x.response_headers) return []; // a recording made before headers were recorded
    const sent = new Map(Object.entries(x.response_headers).map(([k, v]) => [k.toLowerCase(), v]));
    const errors = [];
    for (const [name, ref] of Object.entries(response.headers ?? {})) {
      const header = deref(doc, ref);
      const value = sent.get(name.toLowerCase());
      if (value === undefined) {
        if (header.required) errors.push(`${where} lacks the required header ${name}`);
        continue;
      }
      const validate = validator(header.schema ?? {});
      if (!validate(value)) errors.push(`${where} header ${name}: ${JSON.stringify(value)} ${ajvErrors(validate)}`);
    }
    return errors;
  }

  // What an accepted request must have carried, by the document.
  function checkAcceptedRequest(o, x, query, where) {
    const errors = [];
    const sent = new Set((x.request_headers ?? []).map((h) => h.toLowerCase()));
    const security = o.op.security ?? doc.security ?? [];
    if (security.length && !security.some((requirement) => Object.keys(requirement).every((name) => {
      const scheme = doc.components.securitySchemes[name];
      return scheme.type === "http" ? sent.has("authorization") : sent.has(scheme.name.toLowerCase());
    })))
      errors.push(`${where}: accepted without the credentials its security names`);
    for (const p of o.parameters) {
      if (p.in === "header") {
        if (p.required && !sent.has(p.name.toLowerCase()))
          errors.push(`${where}: accepted without the required header ${p.name}`);
      } else if (p.in === "query" && query.has(p.name)) {
        const validate = validator(p.schema ?? {});
        if (!validate(coerce(query.get(p.name), p.schema)))
          errors.push(`${where}: accepted query ${p.name}=${query.get(p.name)} does not match its schema: ${ajvErrors(validate)}`);
      } else if (p.in === "query" && p.required) {
        errors.push(`${where}: accepted without the required query parameter ${p.name}`);
      }
    }
    const body = o.op.requestBody ? deref(doc, o.op.requestBody) : null;
    if (body && typeof x.request_body === "string") {
      const media = body.content?.[mediaType(x.request_content_type)] ?? body.content?.["application/json"];
      let value;
      try {
        value = JSON.parse(x.request_body);
      } catch {
        return [...errors, `${where}: accepted a body that is not JSON`];
      }
      const validate = validator(media.schema);
      if (!validate(value))
        errors.push(`${where}: accepted a request body its schema refuses: ${ajvErrors(validate)}`);
    }
    return errors;
  }

  // Checks one exchange; returns [errors, what matched ("GET /v1/program", "catch-all", ...)].
  function check(x) {
    // Split by hand: URL() would resolve `..` segments the server sees as they are.
    const q = x.path.indexOf("?");
    const path = q < 0 ? x.path : x.path.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : x.path.slice(q + 1));
    const where = `${x.test || "?"}: ${x.method} ${x.path.slice(0, 120)}`;
    // 503 `unavailable` is the documented answer while the database is down (the PostgreSQL
    // restart tests); any other 5xx is a bug.
    if (x.status >= 500 && x.status !== 503) return [[`${where}: ${x.status}: the suite never expects a 5xx`], "5xx"];
    const o = find(x.method, path);
    if (o) {
      const errors = checkResponse(o.op.responses, x.status, x, `${where} [${o.key}]`);
      if (x.status >= 200 && x.status < 300)
        errors.push(...checkAcceptedRequest(o, x, query, `${where} [${o.key}]`));
      return [errors, o.key];
    }
    if (x.method === catchAll.preflight?.method)
      return [checkResponse(catchAll.preflight.responses, x.status, x, `${where} [preflight]`), "preflight"];
    const statics = catchAll["static-files"];
    if (statics?.methods?.includes(x.method) && !statics.outside.some((p) => path.startsWith(p)) && x.status === 200)
      return [[], "static file"];
    return [checkResponse(catchAll.responses, x.status, x, `${where} [no operation: x-catch-all]`), "catch-all"];
  }

  // Every example of a media type (`example`, `examples.*.value`) against its schema.
  function checkExamples() {
    const errors = [];
    let count = 0;
    const visit = (node, where) => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}/${i}`));
      if (node === null || typeof node !== "object") return;
      if (node.schema && ("example" in node || node.examples)) {
        const values = "example" in node ? [["example", node.example]] : [];
        for (const [name, ex] of Object.entries(node.examples ?? {}))
          values.push([`examples/${name}`, deref(doc, ex).value]);
        const validate = validator(node.schema);
        for (const [name, value] of values) {
          count++;
          if (!validate(value)) errors.push(`${where}/${name}: ${ajvErrors(validate)}`);
        }
      }
      for (const [k, v] of Object.entries(node))
        if (k !== "schema" && k !== "schemas") visit(v, `${where}/${k}`);
    };
    visit(doc.paths, "#/paths");
    visit(doc.components?.responses, "#/components/responses");
    return { count, errors };
  }

  // Compiles every schema the operations use (strict mode throws on a bad one).
  function compileAll() {
    let count = 0;
    const compile = (schema) => {
      if (schema) {
        validator(schema);
        count++;
      }
    };
    for (const o of operations) {
      o.parameters.forEach((p) => compile(p.schema));
      const body = o.op.requestBody && deref(doc, o.op.requestBody);
      Object.values(body?.content ?? {}).forEach((m) => compile(m.schema));
      for (const r of Object.values(o.op.responses ?? {})) {
        Object.values(deref(doc, r).content ?? {}).forEach((m) => compile(m.schema));
        Object.values(deref(doc, r).headers ?? {}).forEach((h) => compile(deref(doc, h).schema));
      }
    }
    for (const r of Object.values(catchAll.responses ?? {}))
      Object.values(deref(doc, r).content ?? {}).forEach((m) => compile(m.schema));
    return count;
  }

  return { operations, check, find, compileAll, checkExamples };
}

export function readRecording(file) {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not a JSON line (${e.message})`);
      }
    });
}
