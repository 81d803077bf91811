import { processDeps } from '../deps';
import { queryAll as queryAllOf } from './db';

/**
 * This process's client and table (`processDeps().db`), for the modules that have not yet moved to
 * the `db` they are given (the counters). Read when first imported, as Lambda's cold start would.
 */
const { db } = processDeps();
export const processDb = db;
export const dynamo = db.client;
export const tableName = db.tableName;
export const queryAll = (input: Parameters<typeof queryAllOf>[1]) => queryAllOf(db, input);
