import { Injectable } from '@nestjs/common';
import { GeoService } from '../geo/geo.service';
import { ChainVerdict, GENESIS_HASH } from '../playout/hash-chain';
import { CheckpointView } from '../playout/checkpoint.view';
import { CheckpointsService } from '../playout/checkpoints.service';
import { PlayoutLogService } from '../playout/playout-log.service';
import { playoutRecordView, PlayoutRecordView } from '../playout/playout-record.view';
import { AsRunReader, ChainHead, ChainLink } from './as-run-reader';
import { resolveRange } from './report-range';

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
export interface AsRunExport {
  communeCode: string;
  communeName: string;
  from: string;
  to: string;
  genesisHash: string;
  head: ChainHead;
  verify: ChainVerdict;
  records: PlayoutRecordView[];
  links: ChainLink[];
  checkpoints: CheckpointView[];
}

@Injectable()
export class AsRunExportService {
  constructor(
    private readonly geo: GeoService,
    private readonly reader: AsRunReader,
    private readonly playoutLog: PlayoutLogService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  async export(communeCode: string, query: { from: string; to: string }): Promise<AsRunExport> {
    const range = resolveRange(query, query);
    const commune = this.geo.commune(communeCode);
    // The head first: records appended while the export is read are left out of all of it.
    const head = await this.reader.head(communeCode);
    const records = (await this.reader.records(communeCode, range)).filter(
      (record) => record.seq <= head.lastSeq,
    );
    const inRange = new Set(records.map((record) => record.seq));
    const firstSeq = records.length > 0 ? records[0].seq : null;
    return {
      communeCode,
      communeName: commune.name,
      from: range.from,
      to: range.to,
      genesisHash: GENESIS_HASH,
      head,
      verify: await this.playoutLog.verify(communeCode),
      records: records.map(playoutRecordView),
      links:
        firstSeq === null
          ? []
          : (await this.reader.links(communeCode, firstSeq, head.lastSeq)).filter(
              (link) => !inRange.has(link.seq),
            ),
      checkpoints:
        firstSeq === null
          ? []
          : (await this.checkpoints.listFrom(communeCode, firstSeq)).filter(
              (checkpoint) => checkpoint.seq <= head.lastSeq,
            ),
    };
  }
}
