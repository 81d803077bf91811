import { readSettings } from '../settings';
import { meterCapacity } from './capacity';
import { createDynamoClient, dynamoClientSettings, queryAllWith, type Db } from './db';

/**
 * The process's client and table as module singletons: the data functions still use these while
 * they move to the `db` they are given (shared/deps.ts).
 */
const settings = readSettings(process.env);
export const dynamoSettings = dynamoClientSettings(settings);
export const dynamo = createDynamoClient(settings);
if (!settings.tableName) throw new Error('missing environment variable TABLE_NAME');
export const tableName: string = settings.tableName;
export const processDb: Db = { client: dynamo, tableName };

export const queryAll = (input: Parameters<typeof queryAllWith>[1]) => queryAllWith(dynamo, input);

export const capacity = meterCapacity(dynamo);
