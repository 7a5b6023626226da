import { AuditEvent } from '../auth/entities/audit-event.entity';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { AudioAsset } from '../media/entities/audio-asset.entity';
import { Topic } from '../topics/entities/topic.entity';
import { User } from '../users/entities/user.entity';
import { AppSetting } from './app-setting.entity';

/** Every entity of the schema, in one list (the service and standalone tools share it). */
export const ENTITIES = [AppSetting, User, AuditEvent, Topic, Campaign, AudioAsset];
