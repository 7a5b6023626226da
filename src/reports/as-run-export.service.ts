import { Injectable } from '@nestjs/common';
import { GeoService } from '../geo/geo.service';
import { ChainVerdict, GENESIS_HASH } from '../playout/hash-chain';
import { PlayoutLogService } from '../playout/playout-log.service';
import { playoutRecordView, PlayoutRecordView } from '../playout/playout-record.view';
import { AsRunReader, ChainHead } from './as-run-reader';
import { resolveRange } from './report-range';

/**
 * A commune's as-run log over a range, as an outside script verifies it: every record carries
 * `prevHash` and `hash`, so each hash can be recomputed from the record alone
 * (`sha256_hex(prevHash + "\n" + canonical)`, DESIGN.md), consecutive seqs must link, and a
 * range starting at seq 1 starts from `genesisHash`. `head` and `verify` say where the whole
 * chain ends and whether it holds, as the service sees it.
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
}

@Injectable()
export class AsRunExportService {
  constructor(
    private readonly geo: GeoService,
    private readonly reader: AsRunReader,
    private readonly playoutLog: PlayoutLogService,
  ) {}

  async export(communeCode: string, query: { from: string; to: string }): Promise<AsRunExport> {
    const range = resolveRange(query, query);
    const commune = this.geo.commune(communeCode);
    const records = await this.reader.records(communeCode, range);
    return {
      communeCode,
      communeName: commune.name,
      from: range.from,
      to: range.to,
      genesisHash: GENESIS_HASH,
      head: await this.reader.head(communeCode),
      verify: await this.playoutLog.verify(communeCode),
      records: records.map(playoutRecordView),
    };
  }
}
