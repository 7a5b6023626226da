import { Entity, Index, PrimaryColumn } from 'typeorm';

/** The topics of a record, one row each, for airtime sums in SQL (mirror of `playout_record.topics`). */
@Entity('playout_record_topic')
@Index(['topicCode'])
export class PlayoutRecordTopic {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'record_id' })
  recordId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, name: 'topic_code' })
  topicCode!: string;
}
