/**
 * The reserved concurrency of each streaming function (the export): how many exports may run at
 * once. Reserved so that a flood of export requests can neither take the whole account's Lambda
 * concurrency from the desk's other functions nor read the table flat out. Small: an export is a
 * person in the office waiting for a file, a few at a time at most; one more gets 429 and tries again.
 *
 * Reserving takes concurrency from the account's unreserved pool, which Lambda keeps at 100 or
 * more: an account with the new-account quota of 10 cannot deploy any reservation (ask for the
 * standard quota first, README).
 */
import { Duration } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A streaming function's timeout, and CloudFront's read timeout of its origin (a large export may take a while before its first bytes). */
export const streamTimeout = Duration.minutes(1);

export const defaultStreamConcurrency = 5;
/** More is no longer "small": the pool of a standard account is 1,000 for everything. */
export const maxStreamConcurrency = 100;

export const checkStreamConcurrency = (value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1 || value > maxStreamConcurrency) {
    throw new Error(`exportConcurrency: expected a whole number from 1 to ${maxStreamConcurrency}, not "${value}"`);
  }
  return value;
};

/** Context `exportConcurrency`, else the default. */
export const streamConcurrencyFrom = (scope: IConstruct): number => {
  const value: unknown = scope.node.tryGetContext('exportConcurrency');
  return checkStreamConcurrency(value === undefined || value === '' ? defaultStreamConcurrency : Number(value));
};
