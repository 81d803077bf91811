/**
 * The single table, built from shared/data/table-definition.ts, the same declaration the local
 * stack creates its DynamoDB Local table from. It holds every record the desk keeps, so it is
 * recoverable, protected from deletion and kept when the stack goes.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDefinition } from '../shared/data/table-definition';
import type { BoundTable } from './bind-table';

/** `Table` in `scope` (the stack), with the indexes of the table definition. */
export function createTable(scope: Construct): Table {
  const table = new Table(scope, 'Table', {
    partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
    sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
    stream: StreamViewType[tableDefinition.stream],
    encryption: TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of tableDefinition.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      ...(index.projection === 'ALL'
        ? { projectionType: ProjectionType.ALL }
        : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
    });
  }
  return table;
}

/** The table with every index of the definition, as bindTable grants it. */
export const boundTableOf = (table: Table): BoundTable => ({
  table,
  indexNames: tableDefinition.globalSecondaryIndexes.map((index) => index.name),
});
