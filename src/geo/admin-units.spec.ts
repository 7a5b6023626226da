import { communeKind, parseAdminUnits } from './admin-units';

describe('admin units', () => {
  it('tells the kind of unit from its full name, whatever the case', () => {
    expect(communeKind('Phường Hạc Thành')).toBe('phuong');
    expect(communeKind('Xã Nga Sơn')).toBe('xa');
    expect(communeKind('xã Bắc Sơn')).toBe('xa');
    expect(communeKind('Đặc khu Phú Quốc')).toBe('dac-khu');
    expect(() => communeKind('Huyện Cũ')).toThrow(/Unknown kind/);
  });

  it('builds names from the kind and the short name, and checks codes', () => {
    const units = parseAdminUnits([
      {
        Code: '38',
        Name: 'Thanh Hóa',
        FullName: 'Tỉnh Thanh Hóa',
        Wards: [{ Code: '16000', Name: 'Bắc Sơn', FullName: 'xã Bắc Sơn', ProvinceCode: '38' }],
      },
    ]);
    expect(units.communes).toEqual([
      { code: '16000', name: 'Xã Bắc Sơn', shortName: 'Bắc Sơn', kind: 'xa', provinceCode: '38' },
    ]);
    expect(() =>
      parseAdminUnits([
        {
          Code: '38',
          Name: 'X',
          FullName: 'X',
          Wards: [{ Code: '1', Name: 'Y', FullName: 'Xã Y', ProvinceCode: '38' }],
        },
      ]),
    ).toThrow(/Bad commune code/);
  });
});
