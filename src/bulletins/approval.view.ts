import { BulletinView } from './bulletin.view';
import { ReviewDecision } from './dto/review.dto';

/** A person as the web app names them. */
export class PersonView {
  id!: string;
  username!: string;
  displayName!: string | null;
}

/** One time the approver sent a bulletin back: when, who, why. */
export class SendBackView {
  at!: string;
  /** Null when the audit trail names no user (none is expected). */
  by!: PersonView | null;
  reason!: string | null;
}

/** How often a bulletin was sent back before, and the latest time, so its fix can be checked. */
export class SendBackHistoryView {
  /** Every send-back of the bulletin, the latest included. */
  count!: number;
  latest!: SendBackView;
}

/** A bulletin in the approver's inbox, with who submitted it. */
export class ApprovalItemView extends BulletinView {
  submittedBy!: PersonView | null;
  /** Its earlier send-backs, when the operator submitted it again after one; else null. */
  sendBacks!: SendBackHistoryView | null;
}

export class ApprovalInboxView {
  count!: number;
  items!: ApprovalItemView[];
}

/** What waits in a commune, and who may approve it (for the operator). */
export class ApprovalSummaryView {
  communeCode!: string;
  /** Drafts waiting for the approver. */
  waiting!: number;
  /** Drafts the approver sent back, waiting for the operator's change. */
  sentBack!: number;
  approvers!: PersonView[];
}

/** The answer of a review: every bulletin named changed (or was already in that state). */
export class ReviewResultView {
  decision!: ReviewDecision;
  /** How many changed state. */
  changed!: number;
  /** Named but already approved (approve only): nothing to do. */
  alreadyApproved!: string[];
  bulletins!: BulletinView[];
}
