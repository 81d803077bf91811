/**
 * `npm run openapi`: writes the OpenAPI document that GET /api/openapi.json serves,
 * shared/schemas/openapi.json, from the zod schemas and the route table (shared/schemas/openapi.ts).
 * The function serves the written file, so it loads no zod at all; test/unit/openapi.test.ts fails
 * when the file is not what the schemas give (run this and commit the file).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiJsonFile, renderOpenApiDocument } from '../shared/schemas/openapi';

const file = fileURLToPath(openApiJsonFile);
writeFileSync(file, renderOpenApiDocument());
console.log(`wrote ${file}`);
