import { PlayoutRecordView } from './playout-record.view';

export class ImportResultView {
  id!: string;
  imported!: number;
  duplicates!: number;
  replayed!: boolean;
  /** Every record written (or, replayed, written the first time); absent for `Prefer: return=minimal`. */
  records?: PlayoutRecordView[];
}
