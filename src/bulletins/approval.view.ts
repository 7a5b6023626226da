import { ProblemDto } from '../common/problem.dto';
import { BulletinView, BulletinWithSendBacksView, PersonView } from './bulletin.view';
import { ReviewDecision } from './dto/review.dto';

/** A bulletin in the approver's inbox, with who submitted it. */
export class ApprovalItemView extends BulletinWithSendBacksView {
  submittedBy!: PersonView | null;
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

/** A bulletin named in a review whose revision is not the one the reviewer heard and read. */
export class ChangedBulletinView {
  bulletinId!: string;
  /** Its title now. */
  title!: string;
  /** The revision the reviewer named; null when they named none. */
  reviewedRevision!: number | null;
  /** Its revision now. */
  revision!: number;
}

/**
 * 409 `BULLETIN_CHANGED`: a bulletin was edited since the reviewer opened it (or, to approve, no
 * revision was named for it). Nothing changed.
 */
export class BulletinsChangedProblemView extends ProblemDto {
  changed!: ChangedBulletinView[];
}
