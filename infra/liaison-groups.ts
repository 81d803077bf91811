/**
 * The unit liaisons' Cognito groups (API.md v2 "Roles, added"): one group `unit:<unitId>` per
 * member unit, whose members see and report on that unit's rectifications only. The units come
 * from the CDK context value `memberUnits` (a comma list, or an array in cdk.json), else from the
 * demo directory's units; each id must be a valid directory unit id.
 */
import { NestedStack } from 'aws-cdk-lib';
import { CfnUserPoolGroup, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { demoDirectory } from '../shared/demo/directory';
import { unitSchema } from '../shared/schemas/directory';
import { contextIds, liaisonGroupName } from './staff-identity';

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

/**
 * Units per nested stack. A CloudFormation stack holds at most 500 resources and the main stack is
 * near that already; a district's ~70 units (up to the directory's `maxUnits`) would push it over, so
 * the liaisons' groups live in nested stacks of their own, each one resource of the main stack.
 */
export const liaisonGroupsPerStack = 400;

/** One Cognito group `unit:<id>` per member unit, in nested stacks of `liaisonGroupsPerStack`. */
export function addLiaisonGroups(scope: Construct, userPool: IUserPool, unitIds: readonly string[]): NestedStack[] {
  const stacks: NestedStack[] = [];
  for (let start = 0; start < unitIds.length; start += liaisonGroupsPerStack) {
    const nested = new NestedStack(scope, stacks.length === 0 ? 'LiaisonGroups' : `LiaisonGroups${stacks.length + 1}`, {
      description: 'yijian: the member units\' liaison groups (unit:<id>)',
    });
    for (const id of unitIds.slice(start, start + liaisonGroupsPerStack)) {
      new CfnUserPoolGroup(nested, `Group-unit-${id}`, {
        userPoolId: userPool.userPoolId,
        groupName: liaisonGroupName(id),
        description: `Liaisons of member unit ${id}: its rectifications only`,
      });
    }
    stacks.push(nested);
  }
  return stacks;
}
