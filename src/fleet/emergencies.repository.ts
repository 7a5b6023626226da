import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Bulletin } from '../bulletins/entities/bulletin.entity';
import { toInstant } from '../database/columns';
import { insertRows, sqlBoolean, SqlValue } from '../database/bulk-insert';
import { Db } from '../database/db.service';
import { DeviceCommand } from './entities/device-command.entity';
import { Device } from './entities/device.entity';
import type { DeviceState } from './protocol';
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

/**
 * A device as an emergency reads it: whether it is a target (`deviceIsTargetable`) and whether
 * it is online (`deviceStatus`, over the statuses not written yet) are the service's to tell.
 */
export type FleetDevice = Pick<
  Device,
  'id' | 'communeCode' | 'name' | 'zones' | 'state' | 'lastSeenAt' | 'enrolledAt' | 'revokedAt'
>;

/** Which devices an emergency reads: those of some communes, or of a province. */
export type EmergencyDevicesWhere = { communeCodes: readonly string[] } | { provinceCode: string };

interface RawDevice {
  id: string;
  commune_code: string;
  name: string;
  zones: string;
  state: DeviceState | null;
  last_seen_at: string | null;
  enrolled_at: string | null;
  revoked_at: string | null;
}

function instantOrNull(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

interface RawTarget {
  emergency_id: string;
  device_id: string;
  commune_code: string;
  device_name: string;
  schedule_item_id: string;
  command_id: string;
  online_when_sent: boolean | number;
  enrolled_when_sent: boolean | number;
  acknowledged_at: string | null;
  ok: boolean | number | null;
  error: string | null;
  started_at: string | null;
  device_enrolled_at: string | null;
}

/**
 * A targeted device's row, with when the device (if it still exists) enrolled: one that was not
 * enrolled when the emergency was sent may have enrolled before it ended.
 */
export type EmergencyTarget = EmergencyDevice & { deviceEnrolledAt: Date | null };

/**
 * An emergency as the lists show it, with its bulletin's title (null only if the bulletin was
 * deleted, which a bulletin that reached the program log cannot be).
 */
export type ListedEmergency = Emergency & { bulletinTitle: string | null };

/** Counts of an emergency's devices, for the lists. */
export interface EmergencyCounts {
  targeted: number;
  acknowledged: number;
  started: number;
  notEnrolled: number;
}

/** `?` placeholders as the driver wants them: as they are on SQLite, `$1…` on PostgreSQL. */
function placeholders(manager: EntityManager, sql: string): string {
  if (manager.connection.options.type === 'sqlite') return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
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
  'enrolled_when_sent',
] as const;

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
        sqlBoolean(manager, target.enrolledWhenSent),
      ]),
    );
  }

  find(id: string): Promise<Emergency | null> {
    return this.db.manager.findOneBy(Emergency, { id });
  }

  /** The emergency's devices, read raw: a province's 2,500 rows would take TypeORM ~0.2 s. */
  async targets(emergencyId: string): Promise<EmergencyTarget[]> {
    const rows = await this.db.manager.query<RawTarget[]>(
      placeholders(
        this.db.manager,
        'SELECT t.emergency_id, t.device_id, t.commune_code, t.device_name, t.schedule_item_id, ' +
          't.command_id, t.online_when_sent, t.enrolled_when_sent, t.acknowledged_at, t.ok, ' +
          't.error, t.started_at, d.enrolled_at AS device_enrolled_at ' +
          'FROM emergency_device t LEFT JOIN device d ON d.id = t.device_id ' +
          'WHERE t.emergency_id = ? ORDER BY t.commune_code, t.device_name, t.device_id',
      ),
      [emergencyId],
    );
    return rows.map((row) => ({
      emergencyId: row.emergency_id,
      deviceId: row.device_id,
      communeCode: row.commune_code,
      deviceName: row.device_name,
      scheduleItemId: row.schedule_item_id,
      commandId: row.command_id,
      onlineWhenSent: Boolean(row.online_when_sent),
      enrolledWhenSent: Boolean(row.enrolled_when_sent),
      acknowledgedAt: row.acknowledged_at === null ? null : new Date(row.acknowledged_at),
      ok: row.ok === null ? null : Boolean(row.ok),
      error: row.error,
      startedAt: row.started_at === null ? null : new Date(row.started_at),
      deviceEnrolledAt: instantOrNull(row.device_enrolled_at),
    }));
  }

  /**
   * The devices of these communes as an emergency needs them (read raw, in the caller's
   * transaction), in commune and name order.
   */
  async devicesOf(manager: EntityManager, where: EmergencyDevicesWhere): Promise<FleetDevice[]> {
    const [condition, parameters] =
      'provinceCode' in where
        ? ['province_code = ?', [where.provinceCode]]
        : [
            `commune_code IN (${where.communeCodes.map(() => '?').join(', ')})`,
            [...where.communeCodes],
          ];
    const rows = await manager.query<RawDevice[]>(
      placeholders(
        manager,
        'SELECT id, commune_code, name, zones, state, last_seen_at, enrolled_at, revoked_at ' +
          `FROM device WHERE ${condition} ORDER BY commune_code, name, id`,
      ),
      parameters,
    );
    return rows.map((row) => ({
      id: row.id,
      communeCode: row.commune_code,
      name: row.name,
      zones: JSON.parse(row.zones) as string[],
      state: row.state,
      lastSeenAt: instantOrNull(row.last_seen_at),
      enrolledAt: instantOrNull(row.enrolled_at),
      revokedAt: instantOrNull(row.revoked_at),
    }));
  }

  /** Emergencies that reached the commune (its own, and its province's that targeted it). */
  listForCommune(communeCode: string, limit: number): Promise<ListedEmergency[]> {
    return this.listed(
      this.listQuery()
        .where('emergency.communeCode = :communeCode', { communeCode })
        .orWhere(
          "emergency.scope = 'province' AND emergency.id IN " +
            '(SELECT target.emergency_id FROM emergency_device target ' +
            'WHERE target.commune_code = :communeCode)',
          { communeCode },
        ),
      limit,
    );
  }

  /** The province's emergencies, its own and its communes', newest first. */
  listForProvince(provinceCode: string, limit: number): Promise<ListedEmergency[]> {
    return this.listed(
      this.listQuery().where('emergency.provinceCode = :provinceCode', { provinceCode }),
      limit,
    );
  }

  /** Emergencies with their bulletin's title, joined in the same query. */
  private listQuery(): SelectQueryBuilder<Emergency> {
    return this.db.manager
      .createQueryBuilder(Emergency, 'emergency')
      .leftJoin(Bulletin, 'bulletin', 'bulletin.id = emergency.bulletinId')
      .addSelect('bulletin.title', 'bulletin_title');
  }

  /**
   * Newest first. `limit`, not `take`: with a join `take` makes TypeORM read the ids first in a
   * second query, and the join here is one row to one.
   */
  private async listed(
    query: SelectQueryBuilder<Emergency>,
    limit: number,
  ): Promise<ListedEmergency[]> {
    const { entities, raw } = await query
      .orderBy('emergency.createdAt', 'DESC')
      .addOrderBy('emergency.id', 'DESC')
      .limit(limit)
      .getRawAndEntities<{ bulletin_title: string | null }>();
    return entities.map((emergency, index) =>
      Object.assign(emergency, { bulletinTitle: raw[index].bulletin_title }),
    );
  }

  /**
   * Counts of targeted, acknowledged and started devices of each emergency, and of those not
   * enrolled in time (`notEnrolled` of emergency.view.ts, in SQL).
   */
  async counts(emergencyIds: readonly string[]): Promise<Map<string, EmergencyCounts>> {
    const counts = new Map<string, EmergencyCounts>();
    if (emergencyIds.length === 0) return counts;
    const rows = await this.db.manager
      .createQueryBuilder(EmergencyDevice, 'target')
      .innerJoin(Emergency, 'emergency', 'emergency.id = target.emergencyId')
      .leftJoin(Device, 'device', 'device.id = target.deviceId')
      .select('target.emergencyId', 'id')
      .addSelect('COUNT(*)', 'targeted')
      .addSelect('COUNT(target.acknowledgedAt)', 'acknowledged')
      .addSelect('COUNT(target.startedAt)', 'started')
      .addSelect(
        'SUM(CASE WHEN target.acknowledgedAt IS NULL AND NOT target.enrolledWhenSent ' +
          'AND (device.enrolledAt IS NULL OR device.enrolledAt >= emergency.endsAt) ' +
          'THEN 1 ELSE 0 END)',
        'notEnrolled',
      )
      .where('target.emergencyId IN (:...ids)', { ids: emergencyIds })
      .groupBy('target.emergencyId')
      .getRawMany<{
        id: string;
        targeted: string;
        acknowledged: string;
        started: string;
        notEnrolled: string;
      }>();
    for (const row of rows) {
      counts.set(row.id, {
        targeted: Number(row.targeted),
        acknowledged: Number(row.acknowledged),
        started: Number(row.started),
        notEnrolled: Number(row.notEnrolled),
      });
    }
    return counts;
  }

  /** The device's emergency commands not yet acknowledged whose emergency ends after `now`. */
  async pendingFor(
    deviceId: string,
    now: Date,
    onlineAt: Date,
  ): Promise<(EmergencyDevice & { endsAt: Date })[]> {
    const rows = await this.db.manager
      .createQueryBuilder(EmergencyDevice, 'target')
      .innerJoin(Emergency, 'emergency', 'emergency.id = target.emergencyId')
      .select(['target.commandId', 'target.scheduleItemId', 'target.communeCode'])
      .addSelect('emergency.endsAt', 'ends_at')
      .where('target.deviceId = :deviceId', { deviceId })
      .andWhere('target.acknowledgedAt IS NULL')
      .andWhere('emergency.endsAt > :now', { now: toInstant(now) })
      // Sent before the device came back: what it sent since, it had while online.
      .andWhere('emergency.createdAt <= :onlineAt', { onlineAt: toInstant(onlineAt) })
      .getRawAndEntities();
    return rows.entities.map((target, index) => ({
      ...target,
      deviceId,
      endsAt: new Date((rows.raw[index] as { ends_at: string }).ends_at),
    }));
  }

  /**
   * Writes a batch of acknowledgements and starts in one transaction, a few statements for the
   * whole batch (an UPDATE … FROM a VALUES list, which SQLite ≥ 3.33 and PostgreSQL both run).
   * Only the first acknowledgement of a command counts (QoS 1 may deliver one twice), only the
   * device's own command (its id and commune must match), and only the first start of an item.
   */
  async record(acks: readonly ReceivedAck[], starts: readonly ReportedStart[]): Promise<void> {
    const firstAcks = firstOf(acks, (ack) => `${ack.deviceId} ${ack.commandId}`);
    const firstStarts = firstOf(starts, (start) => `${start.deviceId} ${start.scheduleItemId}`);
    await this.db.write(async (manager) => {
      const ackRows = firstAcks.map((ack): SqlValue[] => [
        ack.commandId,
        ack.deviceId,
        ack.communeCode,
        toInstant(ack.receivedAt),
        sqlBoolean(manager, ack.ok),
        ack.error,
        ack.ok && ack.startedAt ? toInstant(ack.startedAt) : null,
      ]);
      await updateFromValues(
        manager,
        ACK_VALUES,
        ackRows,
        'UPDATE device_command SET acknowledged_at = v.ack_at, ok = v.ack_ok, error = v.ack_error ' +
          'FROM v WHERE device_command.id = v.cid AND device_command.device_id = v.did ' +
          'AND device_command.commune_code = v.cc AND device_command.acknowledged_at IS NULL',
      );
      await updateFromValues(
        manager,
        ACK_VALUES,
        ackRows,
        'UPDATE emergency_device SET acknowledged_at = v.ack_at, ok = v.ack_ok, error = v.ack_error, ' +
          'started_at = COALESCE(started_at, v.start_at) ' +
          'FROM v WHERE emergency_device.command_id = v.cid AND emergency_device.device_id = v.did ' +
          'AND emergency_device.commune_code = v.cc AND emergency_device.acknowledged_at IS NULL',
      );
      await updateFromValues(
        manager,
        START_VALUES,
        firstStarts.map((start): SqlValue[] => [
          start.deviceId,
          start.scheduleItemId,
          toInstant(start.startedAt),
        ]),
        'UPDATE emergency_device SET started_at = v.start_at ' +
          'FROM v WHERE emergency_device.device_id = v.did ' +
          'AND emergency_device.schedule_item_id = v.item AND emergency_device.started_at IS NULL',
      );
    });
  }
}

/** The first of each key, in order. */
function firstOf<T>(values: readonly T[], key: (value: T) => string): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const k = key(value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The columns of a VALUES list, with the PostgreSQL type of those that are not text. */
interface ValuesShape {
  columns: readonly string[];
  pgTypes: Readonly<Record<string, string>>;
}

const ACK_VALUES: ValuesShape = {
  columns: ['cid', 'did', 'cc', 'ack_at', 'ack_ok', 'ack_error', 'start_at'],
  pgTypes: { ack_ok: 'boolean' },
};

const START_VALUES: ValuesShape = { columns: ['did', 'item', 'start_at'], pgTypes: {} };

/** Bound parameters per statement, as for the multi-row inserts. */
const MAX_PARAMETERS = 7000;

/**
 * Runs `update` (which reads the rows from `v`) with `WITH v(columns) AS (VALUES …)` before it,
 * as many rows per statement as stay under the parameter limit.
 */
async function updateFromValues(
  manager: EntityManager,
  shape: ValuesShape,
  rows: readonly (readonly SqlValue[])[],
  update: string,
): Promise<void> {
  const sqlite = manager.connection.options.type === 'sqlite';
  const perStatement = Math.floor(MAX_PARAMETERS / shape.columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const parameters: SqlValue[] = [];
    const tuples = rows.slice(start, start + perStatement).map((row) => {
      const slots = row.map((value, index) => {
        parameters.push(value);
        if (sqlite) return '?';
        const type = shape.pgTypes[shape.columns[index]];
        return type ? `$${parameters.length}::${type}` : `$${parameters.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await manager.query(
      `WITH v(${shape.columns.join(', ')}) AS (VALUES ${tuples.join(', ')}) ${update}`,
      parameters,
    );
  }
}
