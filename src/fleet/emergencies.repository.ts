import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { toInstant } from '../database/columns';
import { insertRows, sqlBoolean, SqlValue } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import { DeviceCommand } from './entities/device-command.entity';
import { EmergencyDevice } from './entities/emergency-device.entity';
import { Emergency } from './entities/emergency.entity';

/** An acknowledgement as it arrived, to be written with others in one transaction. */
export interface ReceivedAck {
  communeCode: string;
  deviceId: string;
  commandId: string;
  ok: boolean;
  error: string | null;
  receivedAt: Date;
  /** For a play-emergency: when the device started playing, by its own report. */
  startedAt: Date | null;
}

/** A device's report that it started playing an item (its status' `playing`). */
export interface ReportedStart {
  deviceId: string;
  scheduleItemId: string;
  startedAt: Date;
}

const COMMAND_COLUMNS = [
  'id',
  'device_id',
  'commune_code',
  'type',
  'params',
  'created_by',
  'created_at',
] as const;

const TARGET_COLUMNS = [
  'emergency_id',
  'device_id',
  'commune_code',
  'device_name',
  'schedule_item_id',
  'command_id',
  'online_when_sent',
] as const;

/** `?` placeholders as the driver wants them: as they are on SQLite, `$1…` on PostgreSQL. */
function placeholders(manager: EntityManager, sql: string): string {
  if (manager.connection.options.type === 'sqlite') return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** Database access for emergencies, their targeted devices and the fleet's acknowledgements. */
@Injectable()
export class EmergenciesRepository {
  constructor(private readonly db: Db) {}

  /**
   * The emergency, its devices' commands and its per-device rows, in the caller's transaction:
   * multi-row inserts, so 2,500 devices take a few statements.
   */
  async insert(
    manager: EntityManager,
    emergency: Emergency,
    commands: readonly DeviceCommand[],
    targets: readonly EmergencyDevice[],
  ): Promise<void> {
    await manager.insert(Emergency, emergency);
    await insertRows(
      manager,
      'device_command',
      COMMAND_COLUMNS,
      commands.map((command): SqlValue[] => [
        command.id,
        command.deviceId,
        command.communeCode,
        command.type,
        JSON.stringify(command.params),
        command.createdBy,
        toInstant(command.createdAt),
      ]),
    );
    await insertRows(
      manager,
      'emergency_device',
      TARGET_COLUMNS,
      targets.map((target): SqlValue[] => [
        target.emergencyId,
        target.deviceId,
        target.communeCode,
        target.deviceName,
        target.scheduleItemId,
        target.commandId,
        sqlBoolean(manager, target.onlineWhenSent),
      ]),
    );
  }

  find(id: string): Promise<Emergency | null> {
    return this.db.manager.findOneBy(Emergency, { id });
  }

  targets(emergencyId: string): Promise<EmergencyDevice[]> {
    return this.db.manager.find(EmergencyDevice, {
      where: { emergencyId },
      order: { communeCode: 'ASC', deviceName: 'ASC', deviceId: 'ASC' },
    });
  }

  /** Emergencies that reached the commune (its own, and its province's that targeted it). */
  async listForCommune(communeCode: string, limit: number): Promise<Emergency[]> {
    const ids = await this.db.manager
      .createQueryBuilder(EmergencyDevice, 'target')
      .select('DISTINCT target.emergencyId', 'id')
      .where('target.communeCode = :communeCode', { communeCode })
      .getRawMany<{ id: string }>();
    return this.db.manager.find(Emergency, {
      where: [{ communeCode }, { id: In(ids.map((row) => row.id)), scope: 'province' }],
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** Counts of targeted, acknowledged (ok) and started devices of each emergency. */
  async counts(
    emergencyIds: readonly string[],
  ): Promise<Map<string, { targeted: number; acknowledged: number; started: number }>> {
    const counts = new Map<string, { targeted: number; acknowledged: number; started: number }>();
    if (emergencyIds.length === 0) return counts;
    const rows = await this.db.manager
      .createQueryBuilder(EmergencyDevice, 'target')
      .select('target.emergencyId', 'id')
      .addSelect('COUNT(*)', 'targeted')
      .addSelect('COUNT(target.acknowledgedAt)', 'acknowledged')
      .addSelect('COUNT(target.startedAt)', 'started')
      .where('target.emergencyId IN (:...ids)', { ids: emergencyIds })
      .groupBy('target.emergencyId')
      .getRawMany<{ id: string; targeted: string; acknowledged: string; started: string }>();
    for (const row of rows) {
      counts.set(row.id, {
        targeted: Number(row.targeted),
        acknowledged: Number(row.acknowledged),
        started: Number(row.started),
      });
    }
    return counts;
  }

  /** The device's emergency commands not yet acknowledged whose emergency ends after `now`. */
  async pendingFor(deviceId: string, now: Date): Promise<(EmergencyDevice & { endsAt: Date })[]> {
    const rows = await this.db.manager
      .createQueryBuilder(EmergencyDevice, 'target')
      .innerJoin(Emergency, 'emergency', 'emergency.id = target.emergencyId')
      .select(['target.commandId', 'target.scheduleItemId', 'target.communeCode'])
      .addSelect('emergency.endsAt', 'ends_at')
      .where('target.deviceId = :deviceId', { deviceId })
      .andWhere('target.acknowledgedAt IS NULL')
      .andWhere('emergency.endsAt > :now', { now: toInstant(now) })
      .getRawAndEntities();
    return rows.entities.map((target, index) => ({
      ...target,
      deviceId,
      endsAt: new Date((rows.raw[index] as { ends_at: string }).ends_at),
    }));
  }

  /**
   * Writes a batch of acknowledgements and starts in one transaction. Only the first
   * acknowledgement of a command counts (QoS 1 may deliver one twice), only the device's own
   * command (its id and commune must match), and only the first start of an emergency item.
   */
  async record(acks: readonly ReceivedAck[], starts: readonly ReportedStart[]): Promise<void> {
    await this.db.write(async (manager) => {
      const ackCommand = placeholders(
        manager,
        'UPDATE device_command SET acknowledged_at = ?, ok = ?, error = ? ' +
          'WHERE id = ? AND device_id = ? AND commune_code = ? AND acknowledged_at IS NULL',
      );
      const ackTarget = placeholders(
        manager,
        'UPDATE emergency_device SET acknowledged_at = ?, ok = ?, error = ? ' +
          'WHERE command_id = ? AND device_id = ? AND commune_code = ? AND acknowledged_at IS NULL',
      );
      const start = placeholders(
        manager,
        'UPDATE emergency_device SET started_at = ? ' +
          'WHERE device_id = ? AND schedule_item_id = ? AND started_at IS NULL',
      );
      const startByCommand = placeholders(
        manager,
        'UPDATE emergency_device SET started_at = ? ' +
          'WHERE command_id = ? AND device_id = ? AND started_at IS NULL',
      );
      for (const ack of acks) {
        const values = [
          toInstant(ack.receivedAt),
          sqlBoolean(manager, ack.ok),
          ack.error,
          ack.commandId,
          ack.deviceId,
          ack.communeCode,
        ];
        await manager.query(ackCommand, values);
        await manager.query(ackTarget, values);
        if (ack.ok && ack.startedAt) {
          await manager.query(startByCommand, [
            toInstant(ack.startedAt),
            ack.commandId,
            ack.deviceId,
          ]);
        }
      }
      for (const reported of starts) {
        await manager.query(start, [
          toInstant(reported.startedAt),
          reported.deviceId,
          reported.scheduleItemId,
        ]);
      }
    });
  }
}
