import { get } from './api.js';
import type { Session } from './session.js';
import type { Commune, Province, Role, Topic, User } from './types.js';

/** What every page knows once the user is signed in: who, where, and the reference lists. */
export interface AppContext {
  user: User;
  /** The operator's or approver's commune. */
  commune: Commune | null;
  /** The monitor's province, or the commune's. */
  province: Province | null;
  provinces: Province[];
  topics: Topic[];
}

export async function loadContext(session: Session): Promise<AppContext> {
  const [user, topics, provinces] = await Promise.all([
    get<User>('/auth/me'),
    get<Topic[]>('/topics'),
    get<Province[]>('/provinces'),
  ]);
  const province = provinces.find((item) => item.code === user.provinceCode) ?? null;
  let commune: Commune | null = null;
  if (user.communeCode && user.provinceCode) {
    const communes = await get<Commune[]>(`/communes?province=${user.provinceCode}`);
    commune = communes.find((item) => item.code === user.communeCode) ?? null;
  }
  session.user = user;
  return { user, commune, province, provinces, topics };
}

/** The pages name topics through the context; the words live without the DOM (labels.ts). */
export { topicName } from './labels.js';

export function hasRole(context: AppContext, ...roles: Role[]): boolean {
  return roles.includes(context.user.role);
}

/** Operators and approvers work on their own commune. */
export function isCommuneUser(context: AppContext): boolean {
  return hasRole(context, 'operator', 'approver');
}

/** Whose bulletins a page makes and lists: a commune's own, or its province's library. */
export interface BulletinOwner {
  /** The owner in the API's paths: `/communes/14797` or `/provinces/38`. */
  api: string;
  /** The province library (its monitor's), not a commune's own bulletins. */
  library: boolean;
  /** The web app's list of them. */
  listPath: '/ban-tin' | '/thu-vien';
}

/** A commune user's commune, or a monitor's province library. */
export function bulletinOwner(context: AppContext): BulletinOwner {
  const { communeCode: commune, provinceCode: province } = context.user;
  if (commune) return { api: `/communes/${commune}`, library: false, listPath: '/ban-tin' };
  if (!province) throw new Error('This page needs a commune or a province');
  return { api: `/provinces/${province}`, library: true, listPath: '/thu-vien' };
}

/** The commune an operator page acts on; pages that call it are only routed for commune users. */
export function communeCode(context: AppContext): string {
  const code = context.user.communeCode;
  if (!code) throw new Error('This page needs a commune');
  return code;
}
