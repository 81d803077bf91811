import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiJsonFile, renderOpenApiDocument } from '../../shared/schemas/openapi';

/**
 * GET /api/openapi.json serves shared/schemas/openapi.json, written by `npm run openapi` from the
 * zod schemas and the route table. The file must be exactly what they give now: a schema or a
 * route changed without the file being written again fails here.
 */
describe('the served OpenAPI document', () => {
  it('is what the schemas and the route table give (run `npm run openapi` after changing them)', () => {
    expect(readFileSync(openApiJsonFile, 'utf8')).toBe(renderOpenApiDocument());
  });
});
