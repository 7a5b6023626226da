import { normalizeVietnameseText, readDay, readInteger, readMonth } from './vietnamese-text';

describe('normalizeVietnameseText', () => {
  const cases: [string, string][] = [
    ['Ngày Chuyển đổi số quốc gia (10/10)', 'Ngày Chuyển đổi số quốc gia (mười tháng mười)'],
    [
      'từ ngày 01/10/2025 đến hết ngày 10/10/2025',
      'từ ngày mồng một tháng mười năm hai nghìn không trăm hai mươi lăm đến hết ngày mười tháng mười năm hai nghìn không trăm hai mươi lăm',
    ],
    [
      'Quyết định ngày 22/4/2022',
      'Quyết định ngày hai mươi hai tháng tư năm hai nghìn không trăm hai mươi hai',
    ],
    ['đến hết tháng 10/2025', 'đến hết tháng mười năm hai nghìn không trăm hai mươi lăm'],
    ['hạn chót 12/2025', 'hạn chót tháng mười hai năm hai nghìn không trăm hai mươi lăm'],
    ['Phát lúc 05:30 và 17:00', 'Phát lúc năm giờ ba mươi phút và mười bảy giờ'],
    ['họp lúc 7h30 sáng', 'họp lúc bảy giờ ba mươi phút sáng'],
    ['đạt 85% dân số', 'đạt tám mươi lăm phần trăm dân số'],
    ['tăng 3,5 %', 'tăng ba phẩy năm phần trăm'],
    ['năm 2025', 'năm hai nghìn không trăm hai mươi lăm'],
    ['có 16.650 hồ sơ', 'có mười sáu nghìn sáu trăm năm mươi hồ sơ'],
    ['mô hình chính quyền 02 cấp', 'mô hình chính quyền hai cấp'],
    ['tối thiểu 03 lĩnh vực', 'tối thiểu ba lĩnh vực'],
    ['công nghiệp 4.0', 'công nghiệp bốn chấm không'],

    ['thứ 4 và thứ 1', 'thứ tư và thứ nhất'],
    ['Thứ 7 hằng tuần', 'Thứ bảy hằng tuần'],
    ['UBND các xã, phường', 'Ủy ban nhân dân các xã, phường'],
    ['V/v tuyên truyền', 'Về việc tuyên truyền'],
    ['Sở KH&CN và CNTT', 'Sở khoa học và công nghệ và công nghệ thông tin'],
    ['TP. Thanh Hóa', 'thành phố Thanh Hóa'],
    ['mang theo CCCD và thẻ BHYT', 'mang theo căn cước công dân và thẻ bảo hiểm y tế'],
    ['đóng BHXH tự nguyện', 'đóng bảo hiểm xã hội tự nguyện'],
    ['học sinh THCS, THPT', 'học sinh trung học cơ sở, trung học phổ thông'],
    ['Ủy ban MTTQ xã', 'Ủy ban Mặt trận Tổ quốc xã'],
    ['BCĐ 35 của xã', 'Ban Chỉ đạo ba mươi lăm của xã'],
    ['Phòng VH-XH', 'Phòng văn hóa-xã hội'],
    ['công tác PCCC và ATGT', 'công tác phòng cháy chữa cháy và an toàn giao thông'],
    ['nộp hồ sơ TTHC trên Cổng DVC', 'nộp hồ sơ thủ tục hành chính trên Cổng dịch vụ công'],
    [
      'giai đoạn 2021-2025',
      'giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm',
    ],
    ['từ 01/10–31/10', 'từ mồng một tháng mười đến ba mươi mốt tháng mười'],
    ['xem https://drive.google.com/drive/folders/abc nhé', 'xem nhé'],
    ['  nhiều   khoảng\ttrắng  ', 'nhiều khoảng trắng'],
  ];

  it.each(cases)('reads %j as %j', (input, expected) => {
    expect(normalizeVietnameseText(input)).toBe(expected);
  });

  it('reads what cannot be a date as a fraction or a ratio', () => {
    expect(normalizeVietnameseText('tỉ lệ 45/60')).toBe('tỉ lệ bốn mươi lăm phần sáu mươi');
    expect(normalizeVietnameseText('ngày 32/13')).toBe('ngày ba mươi hai trên mười ba');
  });

  describe('a/b: a date or a fraction, as the words around it say', () => {
    const slashes: [string, string][] = [
      ['Khoảng 1/2 số hộ chưa nộp', 'Khoảng một phần hai số hộ chưa nộp'],
      ['Lũ làm ngập 2/3 diện tích lúa', 'Lũ làm ngập hai phần ba diện tích lúa'],
      ['đã chiếm 3/4 tổng kinh phí', 'đã chiếm ba phần tư tổng kinh phí'],
      ['1/2 dân số đã tiêm', 'một phần hai dân số đã tiêm'],
      ['Họp vào ngày 1/2', 'Họp vào ngày mồng một tháng hai'],
      ['nộp từ 1/2 đến 15/2', 'nộp từ mồng một tháng hai đến mười lăm tháng hai'],
      ['Hạn nộp 1/2/2026', 'Hạn nộp mồng một tháng hai năm hai nghìn không trăm hai mươi sáu'],
      ['nghỉ lễ 30/4 - 1/5', 'nghỉ lễ ba mươi tháng tư đến mồng một tháng năm'],
      ['Kỷ niệm 2/9', 'Kỷ niệm mồng hai tháng chín'],
      ['nộp trước 01/02 số tiền', 'nộp trước mồng một tháng hai số tiền'],
      ['nhà số 12/3 đường Lê Lợi', 'nhà số mười hai trên ba đường Lê Lợi'],
      ['học sinh lớp 10/2', 'học sinh lớp mười trên hai'],
      ['trực 24/7', 'trực hai mươi tư trên bảy'],
      ['từ ngày 24/7', 'từ ngày hai mươi tư tháng bảy'],
    ];
    it.each(slashes)('reads %j as %j', (input, expected) => {
      expect(normalizeVietnameseText(input)).toBe(expected);
    });
  });

  describe('money ends in "đồng"', () => {
    const money: [string, string][] = [
      ['lệ phí 50.000đ', 'lệ phí năm mươi nghìn đồng'],
      ['lệ phí 50.000 đ.', 'lệ phí năm mươi nghìn đồng.'],
      ['mức 50.000 VNĐ', 'mức năm mươi nghìn đồng'],
      ['mức 50.000 đồng', 'mức năm mươi nghìn đồng'],
      ['hỗ trợ 1,5 triệu đồng', 'hỗ trợ một phẩy năm triệu đồng'],
      ['hỗ trợ 1,5 triệu đ', 'hỗ trợ một phẩy năm triệu đồng'],
      ['tổng 2 tỷ', 'tổng hai tỷ'],
      ['thu 30.000đ/người', 'thu ba mươi nghìn đồng một người'],
    ];
    it.each(money)('reads %j as %j', (input, expected) => {
      expect(normalizeVietnameseText(input)).toBe(expected);
    });
    it('leaves a letter "đ" that follows no number alone', () => {
      expect(normalizeVietnameseText('theo điểm đ khoản 1')).toBe('theo điểm đ khoản một');
    });
  });

  describe('phone numbers are read digit by digit, in their groups', () => {
    const phones: [string, string][] = [
      ['Liên hệ 0912.345.678', 'Liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
      ['Liên hệ 0912 345 678.', 'Liên hệ không chín một hai, ba bốn năm, sáu bảy tám.'],
      ['gọi 0912345678', 'gọi không chín một hai, ba bốn năm, sáu bảy tám'],
      ['số máy 0237.3852.123', 'số máy không hai ba bảy, ba tám năm hai, một hai ba'],
      ['đường dây nóng 1900 1234', 'đường dây nóng một chín không không, một hai ba bốn'],
      ['tổng đài 19001234', 'tổng đài một chín không không, một hai ba bốn'],
      ['Khi có cháy gọi 114', 'Khi có cháy gọi một một bốn'],
      ['gọi ngay 113, 114 hoặc 115', 'gọi ngay một một ba, một một bốn hoặc một một năm'],
    ];
    it.each(phones)('reads %j as %j', (input, expected) => {
      expect(normalizeVietnameseText(input)).toBe(expected);
    });
    it('reads 113 as a quantity where nothing calls it', () => {
      expect(normalizeVietnameseText('có 113 hộ')).toBe('có một trăm mười ba hộ');
    });
  });

  describe('times and their ranges', () => {
    const times: [string, string][] = [
      ['tiếp dân 8h-11h30', 'tiếp dân tám giờ đến mười một giờ ba mươi phút'],
      ['từ 13h30 - 17h', 'từ mười ba giờ ba mươi phút đến mười bảy giờ'],
      ['khai mạc lúc 14h', 'khai mạc lúc mười bốn giờ'],
      ['tập trung 8 giờ 30', 'tập trung tám giờ ba mươi'],
      ['từ 7 giờ - 9 giờ', 'từ bảy giờ đến chín giờ'],
      ['tiêm các ngày thứ 2-6', 'tiêm các ngày thứ hai đến thứ sáu'],
      ['phạt từ 4 - 6 triệu đồng', 'phạt từ bốn đến sáu triệu đồng'],
      ['phun thuốc 2-3 lần', 'phun thuốc hai đến ba lần'],
      ['ngày 1-2-2026', 'ngày mồng một tháng hai năm hai nghìn không trăm hai mươi sáu'],
    ];
    it.each(times)('reads %j as %j', (input, expected) => {
      expect(normalizeVietnameseText(input)).toBe(expected);
    });
  });

  describe('abbreviations of places, roads, documents and signatures', () => {
    const abbreviations: [string, string][] = [
      ['Công an P. Hàm Rồng', 'Công an phường Hàm Rồng'],
      ['tại Q. Ba Đình và Q.1', 'tại quận Ba Đình và quận một'],
      ['TP.Thanh Hóa', 'thành phố Thanh Hóa'],
      ['UBND TT. Rừng Thông', 'Ủy ban nhân dân thị trấn Rừng Thông'],
      ['dọc Q.Lộ 1A và QL45', 'dọc quốc lộ một A và quốc lộ bốn mươi lăm'],
      ['mở rộng Q.Lộ', 'mở rộng quốc lộ'],
      ['Chủ tịch HĐND xã', 'Chủ tịch Hội đồng nhân dân xã'],
      // A product's name whose reading is not ours to guess (98fe383): left as written.
      ['cài ứng dụng VNeID', 'cài ứng dụng VNeID'],
      ['gọi SĐT trên', 'gọi số điện thoại trên'],
      ['theo NĐ-CP', 'theo nghị định Chính phủ'],
      ['theo TT số 39', 'theo thông tư số ba mươi chín'],
      // "TT" on its own is not a circular: a centre, a team, a town.
      ['Trung tâm TT', 'Trung tâm TT'],
      [
        'Thông tư số 39/2020/TT-BTTTT',
        'Thông tư số ba mươi chín trên hai nghìn không trăm hai mươi, thông tư Bộ Thông tin và Truyền thông',
      ],
      [
        'Nghị định 13/2023/NĐ-CP',
        'Nghị định mười ba trên hai nghìn không trăm hai mươi ba, nghị định Chính phủ',
      ],
      ['Quyết định số 505/QĐ-TTg', 'Quyết định số năm trăm lẻ năm, quyết định Thủ tướng'],
      [
        'Công văn số 16650/UBND-CNXDKH',
        'Công văn số mười sáu nghìn sáu trăm năm mươi, Ủy ban nhân dân CNXDKH',
      ],
      [
        'Luật số 24/2018/QH14',
        'Luật số hai mươi tư trên hai nghìn không trăm mười tám, Quốc hội mười bốn',
      ],
      ['Giám đốc Sở (để b/c); Phòng (để t/h)', 'Giám đốc Sở (để báo cáo); Phòng (để thực hiện)'],
      ['Lưu: VT, CNTT.', 'Lưu: văn thư, công nghệ thông tin.'],
      ['KT. GIÁM ĐỐC', 'ký thay GIÁM ĐỐC'],
      ['Số: /SKHCN-CNTT', 'Số: Sở Khoa học và Công nghệ-công nghệ thông tin'],
    ];
    it.each(abbreviations)('reads %j as %j', (input, expected) => {
      expect(normalizeVietnameseText(input)).toBe(expected);
    });
  });

  it('reads a commune announcement with several of these together', () => {
    expect(
      normalizeVietnameseText(
        'UBND P. Hàm Rồng thông báo: 2/3 số hộ đã nộp BHYT; từ ngày 1/2, tiếp dân 8h-11h30, ' +
          'lệ phí 50.000đ, hotline 0912.345.678.',
      ),
    ).toBe(
      'Ủy ban nhân dân phường Hàm Rồng thông báo: hai phần ba số hộ đã nộp bảo hiểm y tế; từ ngày ' +
        'mồng một tháng hai, tiếp dân tám giờ đến mười một giờ ba mươi phút, lệ phí năm mươi nghìn ' +
        'đồng, hotline không chín một hai, ba bốn năm, sáu bảy tám.',
    );
  });

  it('keeps Vietnamese letters next to numbers intact', () => {
    expect(normalizeVietnameseText('Đường số 5a')).toBe('Đường số năm a');
    expect(normalizeVietnameseText('5ha lúa')).toBe('năm ha lúa');
  });
});

describe('number words', () => {
  it('reads years and days the Vietnamese way', () => {
    expect(readInteger('2025')).toBe('hai nghìn không trăm hai mươi lăm');
    expect(readInteger('21')).toBe('hai mươi mốt');
    expect(readDay(1)).toBe('mồng một');
    expect(readDay(10)).toBe('mười');
    expect(readDay(24)).toBe('hai mươi tư');
    expect(readMonth(4)).toBe('tư');
    expect(readMonth(1)).toBe('một');
  });

  it('refuses anything but digits', () => {
    expect(() => readInteger('12a')).toThrow();
  });
});
