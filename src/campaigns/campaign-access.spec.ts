import { AuthUser } from '../auth/auth-user';
import { appliesToProvince, canEditCampaign, canReadCampaign } from './campaign-access';

const user = (role: AuthUser['role'], communeCode: string | null, provinceCode: string | null) => ({
  id: role,
  username: role,
  role,
  communeCode,
  provinceCode,
});

const admin = user('admin', null, null);
const monitor38 = user('monitor', null, '38');
const monitor01 = user('monitor', null, '01');
const operator38 = user('operator', '14797', '38');
const approver01 = user('approver', '00004', '01');
const national = { provinceCode: null };
const thanhHoa = { provinceCode: '38' };

describe('campaign access', () => {
  it('judges a province by the national campaigns and its own', () => {
    expect(appliesToProvince(national, '38')).toBe(true);
    expect(appliesToProvince(thanhHoa, '38')).toBe(true);
    expect(appliesToProvince(thanhHoa, '01')).toBe(false);
  });

  it('shows national campaigns to everyone, a province campaign to its province and admins', () => {
    const everyone = [admin, monitor38, monitor01, operator38, approver01];
    expect(everyone.map((u) => canReadCampaign(u, national))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(everyone.map((u) => canReadCampaign(u, thanhHoa))).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
  });

  it('lets admins change every campaign and a monitor only those of their province', () => {
    const everyone = [admin, monitor38, monitor01, operator38, approver01];
    expect(everyone.map((u) => canEditCampaign(u, national))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(everyone.map((u) => canEditCampaign(u, thanhHoa))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
