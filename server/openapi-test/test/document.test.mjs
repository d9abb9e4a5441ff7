// server/openapi.yaml is a valid OpenAPI 3.1 document, and every schema in it compiles under
// Ajv's strict mode (no unknown or misplaced keywords, no `required` member left undefined).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { DOCUMENT, loadDocument, makeChecker } from "../lib/checker.mjs";

test("the document is valid OpenAPI 3.1", async () => {
  const validator = new Validator();
  const result = await validator.validate(fileURLToPath(DOCUMENT));
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, "3.1");
});

test("every schema of the document compiles in Ajv's strict mode", () => {
  const doc = loadDocument();
  assert.equal(doc.jsonSchemaDialect, "https://json-schema.org/draft/2020-12/schema");
  const checker = makeChecker(doc);
  assert.ok(checker.compileAll() > 50);
});

test("every example in the document matches its schema", () => {
  const { count, errors } = makeChecker(loadDocument()).checkExamples();
  assert.ok(count >= 4, `only ${count} examples found`);
  assert.deepEqual(errors, []);
});
