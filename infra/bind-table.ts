/**
 * bindTable: tell a function which table to use (TABLE_NAME) and grant it exactly the access its
 * route declares, in one call, so the environment and the permissions never drift apart.
 *
 * Written out instead of table.grantReadData/grantReadWriteData because those grant Scan and
 * DescribeTable (no request path scans: see DESIGN.md) and `<table>/index/*` instead of the
 * named indexes.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { YijianFunction } from './yijian-function';


/** The table and the indexes a function may query. */
export interface BoundTable {
  readonly table: ITable;
  readonly indexNames: readonly string[];
}

/** Item reads; ConditionCheckItem because a transaction's condition on another item needs it. */
export const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
] as const;

/** Item writes; TransactWriteItems is authorised through these per-item actions. */
export const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export type TableReadAction = (typeof tableReadActions)[number];
export type TableWriteAction = (typeof tableWriteActions)[number];

/**
 * Exactly these item actions on the table itself, none on its indexes: for a worker whose few
 * access patterns are known action by action (the tally), where 'write' would grant it updates,
 * batch writes, condition checks and index queries it never makes.
 */
export interface TableActions {
  readonly only: readonly (TableReadAction | TableWriteAction)[];
}

export type TableAccess = 'read' | 'write' | TableActions;

export function bindTable(fn: YijianFunction, { table, indexNames }: BoundTable, access: TableAccess): void {
  fn.addEnvironment('TABLE_NAME', table.tableName);

  if (typeof access === 'object') {
    const reads = access.only.filter((action) => (tableReadActions as readonly string[]).includes(action));
    const writes = access.only.filter((action) => (tableWriteActions as readonly string[]).includes(action));
    if (reads.length > 0) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ReadTable', actions: reads, resources: [table.tableArn] }));
    }
    if (writes.length > 0) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'WriteTable', actions: writes, resources: [table.tableArn] }));
    }
    return;
  }

  fn.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ReadTable',
      actions: [...tableReadActions],
      resources: [table.tableArn],
    }),
  );
  if (indexNames.length > 0) {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'QueryIndexes',
        actions: ['dynamodb:Query'],
        resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
  if (access === 'write') {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteTable',
        actions: [...tableWriteActions],
        resources: [table.tableArn],
      }),
    );
  }
}
