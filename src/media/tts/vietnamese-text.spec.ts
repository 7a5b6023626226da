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
    ['gọi 0912345678', 'gọi không chín một hai ba bốn năm sáu bảy tám'],
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
    // A product's name stays as written: its reading is not ours to guess.
    ['cài ứng dụng VNeID', 'cài ứng dụng VNeID'],
    ['Quyết định số 505/QĐ-TTg', 'Quyết định số năm trăm lẻ năm quyết định-Thủ tướng'],
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

  it('leaves what is not a date alone', () => {
    expect(normalizeVietnameseText('tỉ lệ 45/60')).toBe('tỉ lệ bốn mươi lăm sáu mươi');
    expect(normalizeVietnameseText('ngày 32/13')).toBe('ngày ba mươi hai mười ba');
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
