import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, Not } from 'typeorm';
import { readByCommune } from '../database/by-commune';
import { toInstant } from '../database/columns';
import { Db } from '../database/db.service';
import type { StatusValues } from './device-status-book';
import { DeviceCommand } from './entities/device-command.entity';
import { DeviceEnrolment, EnrolmentEnding } from './entities/device-enrolment.entity';
import { DeviceZoneSpan } from './entities/device-zone-span.entity';
import { Device } from './entities/device.entity';
import { EMPTY_RECEIPT_CHAIN, ReceiptChainHead } from './protocol';

/** `pg_advisory_xact_lock` class of a commune's device names ("LoaX" + 2); the commune code is the key. */
const DEVICE_NAMES_LOCK = 0x4c6f6158 + 2;

/** What an edit of a device (PATCH) may set. */
export type DeviceEdit = Partial<
  Pick<Device, 'name' | 'zones' | 'locationLat' | 'locationLon' | 'locationNote' | 'updatedAt'>
>;

/** What a revocation of a device's credentials may set besides them (a new enrolment code). */
export type CredentialsEdit = Partial<
  Pick<Device, 'enrolmentCodeHash' | 'enrolmentExpiresAt' | 'enrolmentUsedAt'>
>;

/** Database access for devices, their enrolments and their commands. */
@Injectable()
export class DevicesRepository {
  constructor(private readonly db: Db) {}

  find(id: string, manager: EntityManager = this.db.manager): Promise<Device | null> {
    return manager.findOne(Device, { where: { id } });
  }

  findByCodeHash(hash: string): Promise<Device | null> {
    return this.db.manager.findOne(Device, { where: { enrolmentCodeHash: hash } });
  }

  findByApiTokenHash(hash: string): Promise<Device | null> {
    return this.db.manager.findOne(Device, { where: { apiTokenHash: hash } });
  }

  listByCommune(communeCode: string, manager: EntityManager = this.db.manager): Promise<Device[]> {
    return manager.find(Device, {
      where: { communeCode },
      order: { name: 'ASC', id: 'ASC' },
    });
  }

  /** The devices of these communes, by commune (each in `listByCommune`'s order), in few queries. */
  listByCommunes(
    communeCodes: readonly string[],
    manager: EntityManager = this.db.manager,
  ): Promise<Map<string, Device[]>> {
    return readByCommune(communeCodes, (codes) =>
      manager.find(Device, {
        where: { communeCode: In(codes) },
        order: { name: 'ASC', id: 'ASC' },
      }),
    );
  }

  /**
   * Holds the commune's device names until the transaction ends, so that two creates or renames
   * to one name cannot both pass the check. SQLite: every write already holds the database's
   * write lock from its start (Db.write); PostgreSQL: a transaction-scoped advisory lock.
   */
  async lockNames(communeCode: string, manager: EntityManager): Promise<void> {
    if (this.db.isSqlite) return;
    await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [
      DEVICE_NAMES_LOCK,
      Number(communeCode),
    ]);
  }

  /**
   * How many signed play receipts the device has stored. They live in the playout module's table
   * (`device_receipt`), checked against the device's public key kept here.
   */
  async receiptCount(id: string, manager: EntityManager): Promise<number> {
    const row = await manager
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from('device_receipt', 'receipt')
      .where('receipt.device_id = :id', { id })
      .getRawOne<{ count: number | string }>();
    return Number(row?.count ?? 0);
  }

  /** The device's last stored receipt's seq and hash (0 and 64 zeros: none). */
  async receiptChainHead(
    id: string,
    manager: EntityManager = this.db.manager,
  ): Promise<ReceiptChainHead> {
    const row = await manager
      .createQueryBuilder()
      .select('receipt.seq', 'seq')
      .addSelect('receipt.hash', 'hash')
      .from('device_receipt', 'receipt')
      .where('receipt.device_id = :id', { id })
      .orderBy('receipt.seq', 'DESC')
      .limit(1)
      .getRawOne<{ seq: number | string; hash: string }>();
    return row ? { lastSeq: Number(row.seq), lastHash: row.hash } : { ...EMPTY_RECEIPT_CHAIN };
  }

  listByProvince(provinceCode: string): Promise<Device[]> {
    return this.db.manager.find(Device, {
      where: { provinceCode },
      order: { communeCode: 'ASC', name: 'ASC', id: 'ASC' },
    });
  }

  /** Every device holding credentials (the ones that should be heard from). */
  listEnrolled(): Promise<Device[]> {
    return this.db.manager.find(Device, { where: { apiTokenHash: Not(IsNull()) } });
  }

  /** Inserts the device and the first span of its zones, from its creation. */
  async insert(device: Device, manager: EntityManager): Promise<void> {
    await manager.insert(Device, device);
    await manager.insert(DeviceZoneSpan, {
      deviceId: device.id,
      seq: 1,
      zones: device.zones,
      startedAt: device.createdAt,
      endedAt: null,
    });
  }

  /**
   * Records that the device has `zones` from `at`: ends its open zone span and opens the next, in
   * the caller's transaction (with the device row's own `zones`). The same zones again change
   * nothing. Two edits of one device take turns (SQLite: Db.write's lock; PostgreSQL: the device
   * row's), so the second reads the spans the first wrote.
   */
  async changeZones(
    deviceId: string,
    zones: string[],
    at: Date,
    manager: EntityManager,
  ): Promise<void> {
    if (!this.db.isSqlite) {
      await manager.query('SELECT id FROM device WHERE id = $1 FOR UPDATE', [deviceId]);
    }
    const spans = await this.listZoneSpans(deviceId, manager);
    const open = spans.find((span) => span.endedAt === null);
    if (open && sameZones(open.zones, zones)) return;
    if (open) await manager.update(DeviceZoneSpan, { deviceId, seq: open.seq }, { endedAt: at });
    await manager.insert(DeviceZoneSpan, {
      deviceId,
      seq: (spans[spans.length - 1]?.seq ?? 0) + 1,
      zones,
      startedAt: at,
      endedAt: null,
    });
  }

  /** The spans of the device's zones, oldest first. */
  listZoneSpans(
    deviceId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<DeviceZoneSpan[]> {
    return manager.find(DeviceZoneSpan, { where: { deviceId }, order: { seq: 'ASC' } });
  }

  /**
   * Sets these columns of the device and no others: the status columns belong to the status
   * book's batches (`updateStatuses`), which PostgreSQL may commit between the caller's read of
   * the device and this write. (TypeORM's `save` would write back every column that differs from
   * the entity read, the statuses of that read among them.)
   */
  async update(id: string, values: DeviceEdit, manager: EntityManager): Promise<void> {
    await manager.update(Device, { id }, values);
  }

  /**
   * Takes the device's API token and broker password away, with `values` (a new enrolment code),
   * in one UPDATE of those columns. `revokedAt` keeps the first revocation: it is set to `at` only
   * if the row holds a token as the UPDATE runs: a second one (a new code for a box that has not
   * enrolled again) does not move it, so the items between the two stay unsent to it, and an
   * enrolment committed since the caller's read is revoked with its time. The enrolment that
   * holds ends with them, `by` telling how (`endEnrolment`).
   */
  async revokeCredentials(
    id: string,
    at: Date,
    by: EnrolmentEnding,
    values: CredentialsEdit,
    manager: EntityManager,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Device)
      .set({
        ...values,
        apiTokenHash: null,
        mqttPasswordHash: null,
        revokedAt: () => 'CASE WHEN api_token_hash IS NULL THEN revoked_at ELSE :revokedAt END',
        updatedAt: at,
      })
      .setParameter('revokedAt', toInstant(at))
      .where('id = :id', { id })
      .execute();
    await this.endEnrolment(id, at, by, manager);
  }

  async delete(id: string, manager: EntityManager): Promise<boolean> {
    await manager.delete(DeviceCommand, { deviceId: id });
    await manager.delete(DeviceEnrolment, { deviceId: id });
    await manager.delete(DeviceZoneSpan, { deviceId: id });
    const result = await manager.delete(Device, { id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Takes the enrolment code and sets the credentials in one conditional UPDATE: of two devices
   * racing with the same code, one wins, the other changes nothing.
   */
  async enrol(
    id: string,
    codeHash: string,
    values: Pick<
      Device,
      'publicKey' | 'apiTokenHash' | 'mqttPasswordHash' | 'enrolledAt' | 'revokedAt' | 'updatedAt'
    > & {
      enrolmentUsedAt: Date;
    },
    manager: EntityManager,
  ): Promise<boolean> {
    const result = await manager.update(
      Device,
      { id, enrolmentCodeHash: codeHash, enrolmentUsedAt: IsNull() },
      values,
    );
    return (result.affected ?? 0) === 1;
  }

  /** The device's enrolments, oldest first. */
  listEnrolments(
    deviceId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<DeviceEnrolment[]> {
    return manager.find(DeviceEnrolment, { where: { deviceId }, order: { seq: 'ASC' } });
  }

  /**
   * Records the device's new enrolment with `publicKey` from `at` (the next seq), after ending one
   * that still holds (none should: a code is only issued with the credentials revoked).
   */
  async addEnrolment(
    deviceId: string,
    publicKey: string,
    at: Date,
    manager: EntityManager,
  ): Promise<void> {
    await this.endEnrolment(deviceId, at, 're-keyed', manager);
    const last = await manager
      .createQueryBuilder(DeviceEnrolment, 'enrolment')
      .select('MAX(enrolment.seq)', 'seq')
      .where('enrolment.device_id = :deviceId', { deviceId })
      .getRawOne<{ seq: number | string | null }>();
    await manager.insert(DeviceEnrolment, {
      deviceId,
      seq: Number(last?.seq ?? 0) + 1,
      publicKey,
      enrolledAt: at,
      endedAt: null,
      endedBy: null,
    });
  }

  /**
   * Ends the device's enrolment that holds, if any, at `at`: a second revocation (a new code for a
   * box that has not enrolled again) changes nothing, as for `device.revokedAt`.
   */
  async endEnrolment(
    deviceId: string,
    at: Date,
    by: EnrolmentEnding,
    manager: EntityManager,
  ): Promise<void> {
    await manager.update(
      DeviceEnrolment,
      { deviceId, endedAt: IsNull() },
      { endedAt: at, endedBy: by },
    );
  }

  /** Each device's status values, in one transaction (a device deleted meanwhile: no row). */
  async updateStatuses(values: ReadonlyMap<string, StatusValues>): Promise<void> {
    await this.db.write(async (manager) => {
      for (const [id, columns] of values) await manager.update(Device, { id }, columns);
    });
  }

  async insertCommand(command: DeviceCommand): Promise<void> {
    await this.db.write((manager) => manager.save(DeviceCommand, command));
  }

  async deleteCommand(id: string): Promise<void> {
    await this.db.write((manager) => manager.delete(DeviceCommand, { id }));
  }

  findCommand(deviceId: string, id: string): Promise<DeviceCommand | null> {
    return this.db.manager.findOne(DeviceCommand, { where: { id, deviceId } });
  }

  listCommands(deviceId: string, limit: number): Promise<DeviceCommand[]> {
    return this.db.manager.find(DeviceCommand, {
      where: { deviceId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }
}

function sameZones(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((zone, index) => zone === b[index]);
}
