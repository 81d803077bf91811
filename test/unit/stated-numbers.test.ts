/**
 * Numbers the code's comments state beside the constant that holds them, or about a constant
 * defined elsewhere, and the contract's figures (API.md, docs/api.md) the constants promise: each
 * is tied to its constant here, so a change to one fails this file and names the comment to
 * update. (The infrastructure's figures are tied in test/infra/stack.test.ts and edge.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { maxGatewayBody } from '../../local/gateway';
import { maxTallyEntries } from '../../shared/data/counters';
import { leaseMs, notificationRecordDays } from '../../shared/data/notifications';
import { maxPublishedAnswers } from '../../shared/data/published-answers';
import { afterSend, maxTotalWaitMs } from '../../shared/data/retry';
import { summaryAttributes, tableDefinition } from '../../shared/data/table-definition';
import { maxFollowUps, maxReplies } from '../../shared/domain/lifecycle';
import { maxBodyBytes } from '../../shared/http/body-limit';
import { sesRequestTimeoutMs } from '../../shared/notify/mailer';
import { maxTextBytes } from '../../shared/notify/robot-messages';
import { webhookTimeoutMs } from '../../shared/notify/webhook-sender';
import { maxAttachmentBytes } from '../../shared/schemas/attachment';
import { maxSlaWorkingDays } from '../../shared/schemas/directory';
import { maxRecordEntries, recordsMaxBodyBytes } from '../../shared/schemas/session';
import { maxReplyChars } from '../../shared/schemas/staff';
import { maxFollowUpChars } from '../../shared/schemas/submission';
import { uploadLifetimeSeconds } from '../../shared/services/attachments';
import { similarAnswerCount } from '../../shared/services/public-answers';
import { challengeLifetimeSeconds } from '../../shared/services/room';
import { defaultUploadUrlSeconds, maxDownloadUrlSeconds } from '../../shared/settings';
import { streamRetentionHours } from '../../shared/workers';

const MiB = 1024 * 1024;

describe('the contract’s figures (API.md v2, docs/api.md)', () => {
  it('a signed download URL is good for at most 5 minutes', () => {
    expect(maxDownloadUrlSeconds).toBe(5 * 60);
  });

  it('an attachment is at most 10 MB (10,485,760 bytes)', () => {
    expect(maxAttachmentBytes).toBe(10 * MiB);
  });

  it('similar answers: up to 5', () => {
    expect(similarAnswerCount).toBe(5);
  });

  it('a proof-of-work challenge is valid for 10 minutes', () => {
    expect(challengeLifetimeSeconds).toBe(10 * 60);
  });

  it('a presigned upload may start within 15 minutes, and its id stays attachable longer (a day)', () => {
    expect(defaultUploadUrlSeconds).toBe(15 * 60);
    expect(uploadLifetimeSeconds).toBe(24 * 3600);
    expect(defaultUploadUrlSeconds).toBeLessThan(uploadLifetimeSeconds);
  });
});

describe('the notification claim and what runs inside it', () => {
  it('afterSend retries for about the claim’s lease and never past it (shared/data/retry.ts)', () => {
    expect(maxTotalWaitMs(afterSend)).toBeLessThanOrEqual(leaseMs);
    expect(maxTotalWaitMs(afterSend)).toBeGreaterThanOrEqual(0.9 * leaseMs);
  });

  it('a robot’s post gives up sooner than an SES send (shared/notify/webhook-sender.ts)', () => {
    expect(webhookTimeoutMs).toBeLessThan(sesRequestTimeoutMs);
  });

  it('a claim is kept long past any redelivery of its stream record (shared/data/notifications.ts)', () => {
    expect(streamRetentionHours).toBe(24);
    expect(notificationRecordDays * 24).toBeGreaterThan(streamRetentionHours);
  });

  it('a robot’s text stays under the smallest service limit, WeCom’s 4096 bytes (shared/notify/robot-messages.ts)', () => {
    expect(maxTextBytes).toBeLessThan(4096);
  });
});

describe('bounds the comments do the sums of', () => {
  it('an item’s views: 200 replies of 5,000 characters and 20 follow-ups of 2,000, under Lambda’s 6 MB answer (shared/domain/lifecycle.ts)', () => {
    expect([maxReplies, maxReplyChars, maxFollowUps, maxFollowUpChars]).toEqual([200, 5000, 20, 2000]);
    // 4 bytes a character at worst, doubly escaped.
    expect(maxReplies * maxReplyChars * 4).toBeLessThanOrEqual(4_000_000);
    expect(maxFollowUps * maxFollowUpChars * 4).toBeLessThanOrEqual(160_000);
    expect((maxReplies * maxReplyChars + maxFollowUps * maxFollowUpChars) * 4).toBeLessThan(6 * MiB);
  });

  it('a records request: more than every other route, what the local gateway takes, one transaction well under 4 MB (shared/schemas/session.ts)', () => {
    expect(recordsMaxBodyBytes).toBeGreaterThan(maxBodyBytes);
    expect(recordsMaxBodyBytes).toBeLessThanOrEqual(maxGatewayBody);
    // DynamoDB: at most 100 actions and 4 MB per transaction; about a kilobyte of keys per item.
    expect(maxRecordEntries).toBeLessThanOrEqual(100);
    expect(recordsMaxBodyBytes + maxRecordEntries * 1024).toBeLessThan(4 * MiB / 2);
  });

  it('the longest SLA is about three months of working days (shared/schemas/directory.ts)', () => {
    // About 21 working days a month.
    expect(Math.round(maxSlaWorkingDays / 21)).toBe(3);
  });

  it('the published answers: 3,000 of ~1 KB, the costs shared/data/published-answers.ts works out', () => {
    expect(maxPublishedAnswers).toBe(3000);
  });

  it('DynamoDB’s limits the data layer stays within: 100 actions a transaction, 100 projected attributes a table (6 x 16 = 96 taken)', () => {
    expect(maxTallyEntries).toBeLessThanOrEqual(100);
    const projected = tableDefinition.globalSecondaryIndexes.flatMap((index) => (Array.isArray(index.projection) ? index.projection : []));
    expect(summaryAttributes).toHaveLength(16);
    expect(projected).toHaveLength(96);
    expect(projected.length).toBeLessThanOrEqual(100);
  });
});
