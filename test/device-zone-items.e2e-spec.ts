import { ManualClock } from '../src/common/manual-clock';
import {
  Actors,
  createActors,
  createApproved,
  createWindow,
  HAC_THANH,
} from './support/schedule-fixtures';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

interface Item {
  id: string;
  startsAt: string;
  zones: string[] | null;
  status: string;
  cancelReason: string | null;
}

const at = (date: string, time: string) => `${date}T${time}+07:00`;
const DAY = '2025-10-06';

jest.setTimeout(60000);

/**
 * D7: a cluster edit or deletion that would leave future items with no cluster in any of their
 * zones is refused with those items (409 DEVICE_ZONE_HAS_ITEMS), unless `?dropItems=true`, which
 * cancels them with the reason, as a window change does with its items.
 */
describe('cluster zones and the items they serve (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let who: Actors;
  let bulletin: string;
  const clusters = new Map<string, string>();
  const clock = new ManualClock('2025-10-05T08:00:00+07:00');

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    who = await createActors(app, await app.login(ADMIN.username, ADMIN.password));
    await createWindow(app, who.operator, HAC_THANH, {
      name: 'Sáng',
      startTime: '05:30',
      durationMinutes: 30,
    });
    bulletin = await createApproved(app, who.operator, who.approver, HAC_THANH, {
      title: 'Chính quyền số phục vụ người dân',
      topics: ['chinh-quyen-so'],
      durationMs: 40000,
    });
    for (const [name, zones] of [
      ['Cụm loa thôn 3', ['thon-3']],
      ['Cụm loa thôn 4', ['thon-4']],
      ['Cụm loa thôn 5 bắc', ['thon-5']],
      ['Cụm loa thôn 5 nam', ['thon-5']],
    ] as const) {
      const created = await app
        .http()
        .post(`/api/v1/communes/${HAC_THANH}/devices`)
        .set(bearer(who.operator))
        .send({ name, zones })
        .expect(201);
      clusters.set(name, created.body.id as string);
    }
  });

  afterAll(async () => {
    await app.close();
    await storage.dispose();
  });

  const schedule = async (time: string, zones: string[] | null): Promise<string> => {
    const response = await app
      .http()
      .post(`/api/v1/communes/${HAC_THANH}/schedule`)
      .set(bearer(who.operator))
      .send({ bulletinId: bulletin, startsAt: at(DAY, time), ...(zones ? { zones } : {}) })
      .expect(201);
    return response.body.id as string;
  };
  const item = async (id: string): Promise<Item> => {
    const response = await app
      .http()
      .get(`/api/v1/communes/${HAC_THANH}/schedule?from=${DAY}&to=${DAY}`)
      .set(bearer(who.operator))
      .expect(200);
    const found = (response.body as Item[]).find((one) => one.id === id);
    if (!found) throw new Error(`item ${id} not listed`);
    return found;
  };
  const device = (name: string) => `/api/v1/communes/${HAC_THANH}/devices/${clusters.get(name)}`;
  const zonesOf = async (name: string): Promise<string[]> => {
    const response = await app.http().get(device(name)).set(bearer(who.operator)).expect(200);
    return response.body.zones as string[];
  };

  it('refuses a zones change that leaves an item with no cluster, names it, writes nothing', async () => {
    const thon3 = await schedule('05:40:00', ['thon-3']);
    const refused = await app
      .http()
      .patch(device('Cụm loa thôn 3'))
      .set(bearer(who.operator))
      .send({ zones: ['thon-4'] })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'DEVICE_ZONE_HAS_ITEMS',
      name: 'Cụm loa thôn 3',
      itemCount: 1,
      items: [
        {
          id: thon3,
          startsAt: at(DAY, '05:40:00.000'),
          title: 'Chính quyền số phục vụ người dân',
          zones: ['thon-3'],
          status: 'planned',
        },
      ],
    });
    expect(refused.body.message).toContain('dropItems=true');
    expect(await zonesOf('Cụm loa thôn 3')).toEqual(['thon-3']);
    expect(await item(thon3)).toMatchObject({ status: 'planned', zones: ['thon-3'] });

    const dropped = await app
      .http()
      .patch(`${device('Cụm loa thôn 3')}?dropItems=true`)
      .set(bearer(who.operator))
      .send({ zones: ['thon-4'] })
      .expect(200);
    expect(dropped.body).toMatchObject({
      zones: ['thon-4'],
      droppedItems: [{ id: thon3, zones: ['thon-3'], status: 'cancelled' }],
    });
    expect(await item(thon3)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Không còn cụm loa nào ở vùng phát thon-3 (cụm loa đã được sửa hoặc xoá)',
    });
  });

  it('lets a zone go from one cluster while another still serves it', async () => {
    const thon5 = await schedule('05:45:00', ['thon-5']);
    const moved = await app
      .http()
      .patch(device('Cụm loa thôn 5 bắc'))
      .set(bearer(who.operator))
      .send({ zones: ['thon-4'] })
      .expect(200);
    expect(moved.body).toMatchObject({ zones: ['thon-4'], droppedItems: [] });
    expect(await item(thon5)).toMatchObject({ status: 'planned' });

    const refused = await app
      .http()
      .delete(device('Cụm loa thôn 5 nam'))
      .set(bearer(who.operator))
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'DEVICE_ZONE_HAS_ITEMS',
      items: [{ id: thon5, zones: ['thon-5'] }],
    });
    expect(await zonesOf('Cụm loa thôn 5 nam')).toEqual(['thon-5']);
    expect(await item(thon5)).toMatchObject({ status: 'planned' });

    await app
      .http()
      .delete(`${device('Cụm loa thôn 5 nam')}?dropItems=true`)
      .set(bearer(who.operator))
      .expect(204);
    await app.http().get(device('Cụm loa thôn 5 nam')).set(bearer(who.operator)).expect(404);
    expect(await item(thon5)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Không còn cụm loa nào ở vùng phát thon-5 (cụm loa đã được sửa hoặc xoá)',
    });
  });

  it('holds a whole-commune item back only from the deletion of the last cluster', async () => {
    const everywhere = await schedule('05:50:00', null);
    // Three clusters in thôn 4 serve it; all but the last go without a word.
    await app.http().delete(device('Cụm loa thôn 3')).set(bearer(who.operator)).expect(204);
    await app.http().delete(device('Cụm loa thôn 5 bắc')).set(bearer(who.operator)).expect(204);
    const refused = await app
      .http()
      .delete(device('Cụm loa thôn 4'))
      .set(bearer(who.operator))
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'DEVICE_ZONE_HAS_ITEMS',
      items: [{ id: everywhere, zones: null }],
    });
    // An item of the past is no longer the change's business.
    clock.set(new Date(at(DAY, '05:51:00')));
    await app.http().delete(device('Cụm loa thôn 4')).set(bearer(who.operator)).expect(204);
  });

  it('refuses an unknown option', async () => {
    const response = await app
      .http()
      .delete(
        `/api/v1/communes/${HAC_THANH}/devices/${clusters.get('Cụm loa thôn 4')}?moveItems=true`,
      )
      .set(bearer(who.operator))
      .expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });
});
