import {
  addDays,
  formatLocalTime,
  localDateOf,
  localMidnight,
  localMsOfDay,
} from '../../src/common/local-time';
import { seedReadyAudio } from './audio-fixtures';
import { bearer, createUserAndLogin, TestApp } from './test-app';

export const THANH_HOA = '38';
export const HAC_THANH = '14797';
export const HAM_RONG = '14758';

/** Tokens of the people who run the stations of Hạc Thành and watch the province. */
export interface Actors {
  admin: string;
  operator: string;
  approver: string;
  monitor: string;
  /** The operator of Hàm Rồng, another commune of the province. */
  otherOperator: string;
  otherApprover: string;
}

export async function createActors(app: TestApp, admin: string, prefix = ''): Promise<Actors> {
  const user = (username: string, role: 'operator' | 'approver' | 'monitor', code: string) =>
    createUserAndLogin(app, admin, {
      username: `${prefix}${username}`,
      role,
      ...(role === 'monitor' ? { provinceCode: code } : { communeCode: code }),
    });
  return {
    admin,
    operator: await user('van-hanh-hac-thanh', 'operator', HAC_THANH),
    approver: await user('lanh-dao-hac-thanh', 'approver', HAC_THANH),
    monitor: await user('giam-sat-thanh-hoa', 'monitor', THANH_HOA),
    otherOperator: await user('van-hanh-ham-rong', 'operator', HAM_RONG),
    otherApprover: await user('lanh-dao-ham-rong', 'approver', HAM_RONG),
  };
}

export interface BulletinSpec {
  title: string;
  topics: string[];
  durationMs: number;
  priority?: 'normal' | 'priority' | 'emergency';
  body?: string;
}

/** A draft bulletin of the commune with a ready audio of the given length, at its first revision. */
export async function createDraft(
  app: TestApp,
  token: string,
  communeCode: string,
  spec: BulletinSpec,
): Promise<{ id: string; audioId: string; revision: number }> {
  const audioId = await seedReadyAudio(app, {
    ownerCode: communeCode,
    communeCode,
    provinceCode: THANH_HOA,
    durationMs: spec.durationMs,
  });
  const response = await app
    .http()
    .post(`/api/v1/communes/${communeCode}/bulletins`)
    .set(bearer(token))
    .send({
      title: spec.title,
      topics: spec.topics,
      audioId,
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.priority ? { priority: spec.priority } : {}),
    });
  if (response.status !== 201) {
    throw new Error(`create bulletin: ${response.status} ${JSON.stringify(response.body)}`);
  }
  const created = response.body as { id: string; revision: number };
  return { id: created.id, audioId, revision: created.revision };
}

/** A bulletin created by the commune's operator and approved by its approver. */
export async function createApproved(
  app: TestApp,
  operator: string,
  approver: string,
  communeCode: string,
  spec: BulletinSpec,
): Promise<string> {
  const { id, revision } = await createDraft(app, operator, communeCode, spec);
  const response = await app
    .http()
    .post(`/api/v1/bulletins/${id}/approve`)
    .set(bearer(approver))
    .send({ revision });
  if (response.status !== 200) {
    throw new Error(`approve bulletin: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return id;
}

export interface WindowSpec {
  name: string;
  daysOfWeek?: number[];
  startTime: string;
  durationMinutes: number;
  validFrom?: string;
  validTo?: string;
}

export async function createWindow(
  app: TestApp,
  token: string,
  communeCode: string,
  spec: WindowSpec,
): Promise<string> {
  const response = await app
    .http()
    .post(`/api/v1/communes/${communeCode}/windows`)
    .set(bearer(token))
    .send({ daysOfWeek: [1, 2, 3, 4, 5, 6, 7], ...spec });
  if (response.status !== 201) {
    throw new Error(`create window: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return (response.body as { id: string }).id;
}

/**
 * Windows that hold the hour from the current local minute, for the tests that schedule at the
 * wall clock's time through the API: a window lasts at most a session (60 min by the default
 * policy) and never crosses midnight, so near midnight a second one opens at 00:00. An item
 * running over midnight fits neither: such a test starts its items clear of it (clearOfMidnight).
 */
export async function createWindowsAroundNow(
  app: TestApp,
  token: string,
  communeCode: string,
): Promise<void> {
  const minute = Math.floor(localMsOfDay(new Date()) / 60000);
  const beforeMidnight = Math.min(60, 24 * 60 - minute);
  await createWindow(app, token, communeCode, {
    name: 'Giờ thử',
    startTime: formatLocalTime(minute),
    durationMinutes: beforeMidnight,
  });
  if (beforeMidnight === 60) return;
  await createWindow(app, token, communeCode, {
    name: 'Giờ thử sau nửa đêm',
    startTime: '00:00',
    durationMinutes: 60 - beforeMidnight,
  });
}

/**
 * `startsAt`, or a second past the next local midnight when items from `startsAt` to
 * `startsAt + spanMs` would run over it (no window holds such an item).
 */
export function clearOfMidnight(startsAt: number, spanMs: number): number {
  const midnight = localMidnight(addDays(localDateOf(new Date(startsAt)), 1)).getTime();
  return startsAt + spanMs < midnight ? startsAt : midnight + 1000;
}
