/**
 * bindTable: tell a function which table to use (TABLE_NAME) and grant it exactly the access its
 * route declares, in one call, so the environment and the permissions never drift apart: item
 * actions on the partitions of the key spaces it declares (a `dynamodb:LeadingKeys` condition on
 * every statement on the table), Query on the indexes it declares.
 *
 * Written out instead of table.grantReadData/grantReadWriteData because those grant Scan and
 * DescribeTable (no request path scans: see DESIGN.md) and `<table>/index/*` instead of the
 * named indexes.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { leadingKeyPattern, type KeySpace } from '../shared/data/keys';
import type { RouteData } from '../shared/routes';
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
  /** The key spaces those actions may touch (LeadingKeys, as for a route). */
  readonly spaces: readonly KeySpace[];
}

/**
 * A route's access: its kind ('read' or 'write', shared/routes.ts) and the key spaces and indexes
 * its handler declares (RouteData), which become the only partitions and indexes it may touch.
 */
export interface DeclaredAccess {
  readonly access: 'read' | 'write';
  readonly data: RouteData;
}

export type TableAccess = DeclaredAccess | TableActions;

/** The IAM condition that limits item actions to the partitions of `spaces`. */
export const leadingKeysCondition = (spaces: readonly KeySpace[]) => ({
  // ForAllValues: every partition key the request names (one, or each of a batch) must match.
  // A request that names none (Scan) would pass it vacuously: no Scan is ever granted.
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...new Set(spaces)].sort().map(leadingKeyPattern) },
});

/** Checks what a route declares against its access: a write route writes somewhere, a read route nowhere. */
export const checkDeclaredAccess = (name: string, { access, data }: DeclaredAccess): void => {
  const writes = data.write ?? [];
  if (access === 'write' && writes.length === 0) {
    throw new Error(`${name} is a write route but declares no key space in data.write (shared/routes.ts, RouteData)`);
  }
  if (access === 'read' && writes.length > 0) throw new Error(`${name} is a read route but declares data.write: ${writes.join(', ')}`);
};

export function bindTable(fn: YijianFunction, { table, indexNames }: BoundTable, access: TableAccess): void {
  fn.addEnvironment('TABLE_NAME', table.tableName);

  if ('only' in access) {
    const reads = access.only.filter((action) => (tableReadActions as readonly string[]).includes(action));
    const writes = access.only.filter((action) => (tableWriteActions as readonly string[]).includes(action));
    const conditions = leadingKeysCondition(access.spaces);
    if (reads.length > 0) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ReadTable', actions: reads, resources: [table.tableArn], conditions }));
    }
    if (writes.length > 0) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ sid: 'WriteTable', actions: writes, resources: [table.tableArn], conditions }));
    }
    return;
  }

  checkDeclaredAccess(fn.handlerName, access);
  const { read = [], write = [], indexes = [] } = access.data;
  const allowOnTable = (sid: string, actions: readonly string[], spaces: readonly KeySpace[]) => {
    if (spaces.length === 0) return;
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ sid, actions: [...actions], resources: [table.tableArn], conditions: leadingKeysCondition(spaces) }),
    );
  };
  allowOnTable('ReadTable', tableReadActions, [...read, ...write]);
  const unknown = indexes.filter((name) => !indexNames.includes(name));
  if (unknown.length > 0) throw new Error(`${fn.handlerName} declares indexes the table does not have: ${unknown.join(', ')}`);
  if (indexes.length > 0) {
    // No LeadingKeys here: an index Query names the index's partition key, not the table's, and
    // what the condition key then holds is not documented. The indexes carry the list columns
    // (summaryAttributes), never a body or contact details, but gsi7 (recommended practices) and
    // gsi8 (training sessions and their items: the list indexes leave no room for its projection).
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'QueryIndexes',
        actions: ['dynamodb:Query'],
        resources: [...new Set(indexes)].sort().map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
  allowOnTable('WriteTable', tableWriteActions, write);
}
