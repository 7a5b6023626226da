import { AuthUser } from '../auth/auth-user';
import { canDeviceReadAudio, canReadAudio, canWriteAudio } from './audio-access';

const user = (
  role: AuthUser['role'],
  communeCode: string | null,
  provinceCode: string | null,
): AuthUser => ({
  id: role,
  username: role,
  role,
  communeCode,
  provinceCode,
});

const communeAsset = { communeCode: '14797', provinceCode: '38' };
const libraryAsset = { communeCode: null, provinceCode: '38' };

describe('audio access', () => {
  it('commune audio: the commune writes, the province monitor reads, others nothing', () => {
    expect(canWriteAudio(user('operator', '14797', '38'), communeAsset)).toBe(true);
    expect(canWriteAudio(user('approver', '14797', '38'), communeAsset)).toBe(true);
    expect(canReadAudio(user('monitor', null, '38'), communeAsset)).toBe(true);
    expect(canWriteAudio(user('monitor', null, '38'), communeAsset)).toBe(false);
    expect(canReadAudio(user('operator', '14800', '38'), communeAsset)).toBe(false);
    expect(canReadAudio(user('monitor', null, '01'), communeAsset)).toBe(false);
    expect(canWriteAudio(user('admin', null, null), communeAsset)).toBe(true);
  });

  it('library audio: everyone of the province reads, its monitor writes', () => {
    expect(canReadAudio(user('operator', '14800', '38'), libraryAsset)).toBe(true);
    expect(canWriteAudio(user('operator', '14800', '38'), libraryAsset)).toBe(false);
    expect(canWriteAudio(user('monitor', null, '38'), libraryAsset)).toBe(true);
    expect(canReadAudio(user('operator', '00004', '01'), libraryAsset)).toBe(false);
    expect(canWriteAudio(user('monitor', null, '01'), libraryAsset)).toBe(false);
    expect(canWriteAudio(user('admin', null, null), libraryAsset)).toBe(true);
  });

  it("devices: their commune's audio and their province library's, nothing else", () => {
    const device = (communeCode: string, provinceCode: string) => ({
      id: 'd',
      communeCode,
      provinceCode,
      zones: [],
    });
    expect(canDeviceReadAudio(device('14797', '38'), communeAsset)).toBe(true);
    expect(canDeviceReadAudio(device('14758', '38'), communeAsset)).toBe(false);
    expect(canDeviceReadAudio(device('14758', '38'), libraryAsset)).toBe(true);
    expect(canDeviceReadAudio(device('00004', '01'), libraryAsset)).toBe(false);
  });
});
