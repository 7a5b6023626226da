import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { oneOfSchema } from '../common/api-responses';
import { ChainBrokenView, ChainIntactView } from '../playout/chain-verdict.view';
import { ChainVerdict } from '../playout/hash-chain';
import { CheckpointView } from '../playout/checkpoint.view';
import { PlayoutRecordView } from '../playout/playout-record.view';
import { ChainHead, ChainLink } from './as-run-reader';

/**
 * A commune's as-run log over a range, as an outside script verifies it: every record carries
 * `prevHash` and `hash`, so each hash can be recomputed from the record alone
 * (`sha256_hex(prevHash + "\n" + canonical)`, DESIGN.md), consecutive seqs must link, and a
 * range starting at seq 1 starts from `genesisHash`. `head` and `verify` say where the whole
 * chain ends and whether it holds, as the service sees it. `links` are the seq, prevHash and
 * hash of every record from the range's first record to the head that the range leaves out
 * (other days), so that records and links together run without a gap up to `head`: a record
 * cut off the export is missed. `checkpoints` are the signed checkpoints from the range's first
 * record on, to check the export against with the published key.
 */
@ApiExtraModels(ChainIntactView, ChainBrokenView)
export class AsRunExport {
  communeCode!: string;
  communeName!: string;
  from!: string;
  to!: string;
  genesisHash!: string;
  head!: ChainHead;
  @ApiProperty(oneOfSchema(ChainIntactView, ChainBrokenView))
  verify!: ChainVerdict;
  records!: PlayoutRecordView[];
  links!: ChainLink[];
  checkpoints!: CheckpointView[];
}
