import { ApiProperty } from '@nestjs/swagger';
import { CheckpointView } from './checkpoint.view';

/** The chain holds: every record links, hashes right and matches the signed checkpoints. */
export class ChainIntactView {
  @ApiProperty({ type: 'boolean', enum: [true] })
  ok!: true;
  /** Records verified. */
  count!: number;
}

/**
 * The chain is broken at `brokenAtSeq`. `checkpoint`: the signed checkpoint the log no longer
 * matches, when that is what broke it (the records themselves may chain perfectly: rewritten
 * and re-hashed).
 */
export class ChainBrokenView {
  @ApiProperty({ type: 'boolean', enum: [false] })
  ok!: false;
  brokenAtSeq!: number;
  checkpoint?: CheckpointView;
}
