/**
 * The shapes of an item and of its events as stored (minus key attributes): what the data
 * functions of items.ts read and write, and what the services work with.
 */
import type { AttachmentType } from '../schemas/attachment';
import type { Kind } from '../schemas/directory';
import type { Resolved, Satisfaction, Status } from '../schemas/submission';
import type { ItemSource } from './item-index-keys';
import type { RectificationStatus } from '../domain/rectification';

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

/** An attached file's metadata; the file is in the attachments bucket under the item's key (shared/storage/object-keys.ts). */
export interface AttachmentRecord {
  id: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
}

export interface Actor {
  readonly type: 'submitter' | 'staff' | 'system';
  readonly sub?: string;
  readonly name?: string;
}

/** The item as stored (minus key attributes). `trackingCode` is also the item id. */
export interface ItemRecord {
  trackingCode: string;
  kind: Kind;
  title: string;
  body: string;
  status: Status;
  unitId?: string;
  groupId?: string;
  phase: string;
  createdAt: string;
  updatedAt: string;
  dueAt?: string;
  version: number;
  accessKeyHash: string;
  anonymous: boolean;
  contact?: Contact;
  rating?: number;
  satisfaction?: Satisfaction;
  satisfactionComment?: string;
  /** The latest rating's answer to "was it resolved?" (the resolution rate). */
  resolved?: Resolved;
  /** When first routed to a group; `respondBy` ends its response window (`responseWorkingDays`). */
  routedAt?: string;
  respondBy?: string;
  /** The first staff action (start or public reply) after routing: the response rate counts it. */
  respondedAt?: string;
  recommended: boolean;
  rejectedReason?: string;
  mergedInto?: string;
  firstReplyAt?: string;
  closedAt?: string;
  /** The due date the office was told this item is overdue for (set by the sweeper). */
  overdueNotifiedFor?: string;
  /** The due date the group was reminded of, a working day ahead (set by the sweeper). */
  remindedFor?: string;
  /** The due date the item was urged (催办) for, and when (set by the sweeper, the ladder's last step). */
  urgedFor?: string;
  urgedAt?: string;
  /** When the item last became answered (the auto-close clock starts there). */
  answeredAt?: string;
  /** Where it came from (absent on items older than sessions: read as `form`). Never changes. */
  source?: ItemSource;
  /** The training session it was raised in (through the session's link, or in its records). */
  sessionCode?: string;
  /** Recorded in a session as answered there and then (created closed, with the answer as a public reply). */
  answeredOnSpot?: boolean;
  /** The latest deadline extension asked for, and its decision (API.md v2, "Deadline extensions"). */
  extension?: ItemExtension;
  /** The office's rewrite, published for everyone to read (its public copy: shared/data/published-answers.ts). */
  publication?: ItemPublication;
  /** The files the submitter attached to the submission. */
  attachments?: AttachmentRecord[];
  /** The unit's fix (整改, API.md v2 "Rectification"); its progress reports are events (`progress`). */
  rectification?: ItemRectification;
}

export interface ItemPublication {
  /** The public answer's own id (never the tracking code), kept when the office publishes again. */
  publicId: string;
  title: string;
  question: string;
  answer: string;
  publishedAt: string;
  publishedBy: { sub?: string; name: string };
}

export interface ItemRectification {
  status: RectificationStatus;
  unitId: string;
  measures: string;
  standard: string;
  /** The last day, `YYYY-MM-DD` in the directory's time zone. */
  deadline: string;
  /** The instant the deadline passes (shared/domain/rectification.ts `rectificationDueAt`). */
  dueAt: string;
  /** When the current plan was recorded (or replaced): the liaison is told once per plan. */
  plannedAt: string;
  plannedBy: { sub?: string; name: string };
  updatedAt: string;
  /** The deadline the unit was reminded of, a working day ahead (set by the sweeper, once). */
  remindedFor?: string;
  /** The latest verification: `verified` signs it off, `returned` sends it back. */
  verification?: { by: { sub?: string; name: string }; at: string; outcome: 'verified' | 'returned'; note: string };
}

export interface ItemExtension {
  status: 'requested' | 'approved' | 'declined';
  workingDays: number;
  reason: string;
  requestedBy: { sub?: string; name: string };
  requestedAt: string;
  decidedBy?: { sub?: string; name: string };
  decidedAt?: string;
  /** The office's note with its decision (staff only). */
  note?: string;
  /** The due date an approval moved, and the one it set (so the views can say from when to when). */
  previousDueAt?: string;
  dueAt?: string;
}

export interface EventRecord {
  version: number;
  at: string;
  action: string;
  by: Actor;
  from?: Status;
  to?: Status;
  note?: string;
  reply?: { id: string; body: string; visibility: 'public' | 'internal'; groupId?: string; attachments?: AttachmentRecord[] };
  followUp?: { body: string; attachments?: AttachmentRecord[] };
  /** A rectification progress report (the note, whether the unit says it is done, its files). */
  progress?: { note: string; done: boolean; attachments?: AttachmentRecord[] };
}

export interface SealedAnswer {
  keyHash: string;
  requestHash: string;
  sealed: string;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
}
