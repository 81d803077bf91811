import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes';
import { operationSpecs } from '../../shared/schemas/openapi-operations';
import { buildOpenApiDocument, openApiJsonFile, operationIdOf, renderOpenApiDocument } from '../../shared/schemas/openapi';

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown>; $ref?: string }> };
const document = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, Operation>>; components: { responses: Record<string, Operation['responses'][string]> } };

/**
 * GET /api/openapi.json serves shared/schemas/openapi.json, written by `npm run openapi` from the
 * zod schemas and the route table. The file must be exactly what they give now: a schema or a
 * route changed without the file being written again fails here.
 */
describe('the served OpenAPI document', () => {
  it('is what the schemas and the route table give (run `npm run openapi` after changing them)', () => {
    expect(readFileSync(openApiJsonFile, 'utf8')).toBe(renderOpenApiDocument());
  });

  it('has an operation for every route of shared/routes.ts, and nothing else', () => {
    const missing = routes.filter((r) => !operationSpecs[r.handler]).map((r) => `${r.method} ${r.path} (handler '${r.handler}')`);
    expect(missing, `add an entry keyed by the handler to operationSpecs in shared/schemas/openapi-operations.ts for: ${missing.join(', ')}`).toEqual([]);
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    const stale = Object.keys(operationSpecs).filter((handler) => !routes.some((r) => r.handler === handler));
    expect(stale, 'entries of operationSpecs that no route has').toEqual([]);
  });

  it('gives every status of every operation a response schema', () => {
    const unschematised: string[] = [];
    for (const route of routes) {
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect(operation.operationId).toBe(operationIdOf(route.handler));
      for (const [status, response] of Object.entries(operation.responses)) {
        const resolved = response.$ref ? document.components.responses[response.$ref.split('/').pop()!] : response;
        const contents = Object.values(resolved.content ?? {});
        // A redirect says where in its Location header and has no body.
        if (status === '302' && resolved.headers?.Location) continue;
        if (contents.length === 0 || contents.some((c) => c.schema === undefined)) unschematised.push(`${route.method} ${route.path} ${status}`);
      }
      // Staff routes answer 401 and 403; every route answers 500; a route with a body 413 and 415.
      expect(Object.keys(operation.responses)).toContain('500');
      if (route.auth === 'staff') expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
    }
    expect(unschematised).toEqual([]);
  });

  it('links only to operations it has, with parameters they take', () => {
    const operations = new Map(Object.values(document.paths).flatMap((ops) => Object.values(ops)).map((op) => [op.operationId, op as unknown as { parameters?: { name: string; in: string }[] }]));
    let links = 0;
    for (const operation of operations.values()) {
      for (const response of Object.values((operation as unknown as Operation).responses)) {
        for (const link of Object.values((response as { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }).links ?? {})) {
          links++;
          const target = operations.get(link.operationId);
          expect(target, link.operationId).toBeDefined();
          for (const name of Object.keys(link.parameters)) {
            const [where, bare] = name.includes('.') ? name.split('.') : [undefined, name];
            expect(target!.parameters?.some((p) => p.name === bare && (where === undefined || p.in === where)), `${link.operationId} takes ${name}`).toBe(true);
          }
        }
      }
    }
    // A receipt's three, an item's four (from three operations), a session's five (from three).
    expect(links).toBeGreaterThanOrEqual(3 + 4 * 3 + 5 * 3);
  });

  it('passes the Redocly linter (recommended-strict, offline)', async () => {
    const config = await createConfig({
      extends: ['recommended-strict'],
      // A route that takes nothing (no body, parameters or token: GET /api/form, /api/challenge,
      // this document) has no 4XX of its own to document; everything else is as recommended.
      rules: { 'operation-4xx-response': 'off' },
    });
    const problems = await lintFromString({ source: renderOpenApiDocument(), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });
});
