import { Entity, Index, PrimaryColumn } from 'typeorm';

/** A bulletin counts toward every topic it is tagged with. */
@Entity('bulletin_topic')
@Index(['topicCode'])
export class BulletinTopic {
  @PrimaryColumn({ type: 'varchar', length: 36, name: 'bulletin_id' })
  bulletinId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40, name: 'topic_code' })
  topicCode!: string;
}
