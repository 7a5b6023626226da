import { Injectable } from '@nestjs/common';
import { GeoService } from '../geo/geo.service';
import { GENESIS_HASH } from '../playout/hash-chain';
import { CheckpointsService } from '../playout/checkpoints.service';
import { PlayoutLogService } from '../playout/playout-log.service';
import { playoutRecordView } from '../playout/playout-record.view';
import { AsRunReader } from './as-run-reader';
import { resolveRange } from './report-range';
import { AsRunExport } from './as-run-export.view';

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

export { AsRunExport } from './as-run-export.view';
