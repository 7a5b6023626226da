import { PlayoutRecordView } from './playout-record.view';

export class ImportResultView {
  id!: string;
  imported!: number;
  duplicates!: number;
  replayed!: boolean;
  records!: PlayoutRecordView[];
}
