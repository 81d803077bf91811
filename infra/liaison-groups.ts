/**
 * The unit liaisons' Cognito groups (API.md v2 "Roles, added"): one group `unit:<unitId>` per
 * member unit, whose members see and report on that unit's rectifications only. The units come
 * from the CDK context value `memberUnits` (a comma list, or an array in cdk.json), else from the
 * demo directory's units; each id must be a valid directory unit id.
 */
import { Construct } from 'constructs';
import { demoDirectory } from '../shared/demo/directory';
import { unitSchema } from '../shared/schemas/directory';
import { contextIds } from './staff-identity';

export function memberUnitIdsFrom(scope: Construct): string[] {
  return checkMemberUnitIds(contextIds(scope, 'memberUnits', demoDirectory.units.map((unit) => unit.id), '"u01,u02,u03"'));
}

export function checkMemberUnitIds(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const id of ids) {
    if (!unitSchema.shape.id.safeParse(id).success) throw new Error(`memberUnits: "${id}" is not a directory unit id (1 to 64 of A-Z a-z 0-9 - _)`);
    if (seen.has(id)) throw new Error(`memberUnits: "${id}" is listed twice`);
    seen.add(id);
  }
  return [...ids];
}
