import { readFileSync } from 'fs';
import { cleanPastedText } from './pasted-text';
import { readingPreview, textForSpeech } from './reading-preview';

const LETTER = readFileSync('/work/shared/cong-van-so-khcn-thanh-hoa-2025.txt', 'utf8');

/** The passage of the letter as a PDF copy gives it: a line break (and an empty line) per printed line. */
const PASSAGE = [
  '- Phát động, tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc ',
  '',
  'gia năm 2025 trong thời gian từ ngày 01/10/2025 đến hết tháng 10/2025, đảm ',
  '',
  'bảo phù hợp với mục đích, ý nghĩa, tinh thần cũng như chủ đề của Ngày ',
  '',
  'Chuyển đổi số quốc gia năm 2025 (lấy thông tin tại mã QR kèm theo).  ',
  '',
  ' -  Lựa chọn tối thiểu 03 lĩnh vực quản lý nhà nước của mình để thực hiện ',
  '',
  'chuyển đổi số toàn diện, toàn trình; ứng dụng mạnh mẽ trí tuệ nhân tạo trong ',
  '',
  'quản lý và phục vụ người dân, doanh nghiệp. ',
  '',
].join('\n');

describe('cleanPastedText', () => {
  it('joins the lines of a sentence and keeps each list item as one sentence', () => {
    expect(cleanPastedText(PASSAGE)).toBe(
      'Phát động, tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2025 trong ' +
        'thời gian từ ngày 01/10/2025 đến hết tháng 10/2025, đảm bảo phù hợp với mục đích, ý ' +
        'nghĩa, tinh thần cũng như chủ đề của Ngày Chuyển đổi số quốc gia năm 2025 (lấy thông tin ' +
        'tại mã QR kèm theo).\n' +
        'Lựa chọn tối thiểu 03 lĩnh vực quản lý nhà nước của mình để thực hiện chuyển đổi số toàn ' +
        'diện, toàn trình; ứng dụng mạnh mẽ trí tuệ nhân tạo trong quản lý và phục vụ người dân, ' +
        'doanh nghiệp.',
    );
  });

  it('joins a double-spaced passage copied without its last empty line just the same', () => {
    const lines = [
      '- Triển khai các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm ',
      '',
      '2025 và chủ trì triển khai Chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn ',
      '',
      'từng người dân kỹ năng số, sử dụng các dịch vụ số” thông qua hoạt động của ',
      '',
      'Tổ công nghệ số cộng đồng tại địa phương.  ',
    ];
    const expected =
      'Triển khai các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2025 và chủ trì triển ' +
      'khai Chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân kỹ năng số, sử dụng ' +
      'các dịch vụ số” thông qua hoạt động của Tổ công nghệ số cộng đồng tại địa phương.';
    expect(cleanPastedText(lines.join('\n'))).toBe(expected);
    expect(cleanPastedText([...lines, ''].join('\n'))).toBe(expected);
  });

  it('undoes end-of-line hyphenation but keeps compound abbreviations and spaced dashes', () => {
    expect(cleanPastedText('tuyên truy-\nền rộng rãi')).toBe('tuyên truyền rộng rãi.');
    expect(cleanPastedText('Phòng VH-\nXH cấp xã')).toBe('Phòng VH-XH cấp xã.');
    expect(cleanPastedText('phát triển kinh tế -\nxã hội')).toBe('phát triển kinh tế - xã hội.');
  });

  it('keeps numbered items and their headings as sentences, and blank lines as paragraphs in single-spaced text', () => {
    const text = [
      'Sở Khoa học và Công nghệ đề nghị:',
      '2. UBND các xã, phường',
      'Ngoài triển khai thực hiện các nội dung theo mục 1, đề nghị các đơn vị:',
      '- Triển khai các hoạt động',
      '',
      'Đoạn mới không có dấu chấm',
      'tiếp theo',
    ].join('\n');
    expect(cleanPastedText(text).split('\n')).toEqual([
      'Sở Khoa học và Công nghệ đề nghị.',
      '2. UBND các xã, phường.',
      'Ngoài triển khai thực hiện các nội dung theo mục 1, đề nghị các đơn vị.',
      'Triển khai các hoạt động.',
      'Đoạn mới không có dấu chấm tiếp theo.',
    ]);
  });

  it('collapses spaces, tabs and non-breaking spaces, and ends the letter\'s "./." as one stop', () => {
    expect(cleanPastedText('  Ngày\u00a0hội \t toàn dân  ( học tập số ) ,  trên./.  ')).toBe(
      'Ngày hội toàn dân (học tập số), trên.',
    );
  });

  it('turns the whole letter into far fewer, whole lines', () => {
    const lines = LETTER.split('\n').filter((line) => line.trim() !== '').length;
    const cleaned = cleanPastedText(LETTER).split('\n');
    expect(lines).toBeGreaterThan(90);
    expect(cleaned.length).toBeLessThan(45);
    expect(cleaned).toContain(
      'Lựa chọn tối thiểu 03 lĩnh vực quản lý nhà nước của mình để thực hiện chuyển đổi số toàn ' +
        'diện, toàn trình; ứng dụng mạnh mẽ trí tuệ nhân tạo trong quản lý và phục vụ người dân, ' +
        'doanh nghiệp.',
    );
    expect(cleaned.every((line) => /[.!?…]["”’)]*$/.test(line))).toBe(true);
  });
});

describe('readingPreview', () => {
  it('shows how numbers, dates and abbreviations of the letter will be read', () => {
    const preview = readingPreview(LETTER);
    const read = Object.fromEntries(preview.readings.map((r) => [r.written, r.spoken]));
    expect(read['02 cấp']).toBe('hai cấp');
    expect(read['03 lĩnh']).toBe('ba lĩnh');
    expect(read['ngày 10/10/2025']).toBe(
      'ngày mười tháng mười năm hai nghìn không trăm hai mươi lăm',
    );
    expect(read['ngày 10/10']).toBe('ngày mười tháng mười');
    expect(read['tháng 10/2025']).toBe('tháng mười năm hai nghìn không trăm hai mươi lăm');
    expect(read.UBND).toBe('Ủy ban nhân dân');
    expect(read['CNTT&CĐS']).toBe('công nghệ thông tin và chuyển đổi số');
    expect(read['V/v']).toBe('Về việc');
    // Each is listed once, and a plain item number ("1.") is not worth a line.
    expect(preview.readings.filter((r) => r.written === 'UBND')).toHaveLength(1);
    expect(preview.readings.map((r) => r.written)).not.toContain('1');
  });

  it('reads percentages and CĐS, KHCN', () => {
    const read = readingPreview('Tỉ lệ đạt 85% và 3,5 %; Sở KHCN lo CĐS.').readings;
    expect(read).toEqual([
      { written: '85%', spoken: 'tám mươi lăm phần trăm' },
      { written: '3,5 %', spoken: 'ba phẩy năm phần trăm' },
      { written: 'KHCN', spoken: 'khoa học và công nghệ' },
      { written: 'CĐS', spoken: 'chuyển đổi số' },
    ]);
  });

  it('shows the abbreviations of commune bulletins (CCCD, BHYT) as words', () => {
    expect(readingPreview('Mang theo CCCD, thẻ BHYT.').readings).toEqual([
      { written: 'CCCD', spoken: 'căn cước công dân' },
      { written: 'BHYT', spoken: 'bảo hiểm y tế' },
    ]);
  });

  it('shows fractions, money, phone numbers, time ranges and document numbers as they are read', () => {
    const preview = readingPreview(
      'UBND P. Hàm Rồng: 2/3 số hộ đã nộp, từ 1/2 thu 50.000đ, tiếp dân 8h-11h30, liên hệ ' +
        '0912 345 678, cấp cứu gọi 115, theo Thông tư số 39/2020/TT-BTTTT và NĐ-CP.',
    );
    expect(preview.readings).toEqual([
      { written: 'UBND', spoken: 'Ủy ban nhân dân' },
      { written: 'P. Hàm', spoken: 'phường Hàm' },
      { written: '2/3 số', spoken: 'hai phần ba số' },
      { written: 'từ 1/2', spoken: 'từ mồng một tháng hai' },
      { written: '50.000đ', spoken: 'năm mươi nghìn đồng' },
      { written: '8h-11h30', spoken: 'tám giờ đến mười một giờ ba mươi phút' },
      { written: '0912 345 678', spoken: 'không chín một hai, ba bốn năm, sáu bảy tám' },
      { written: 'gọi 115', spoken: 'gọi một một năm' },
      {
        written: '39/2020/TT-BTTTT',
        spoken:
          'ba mươi chín trên hai nghìn không trăm hai mươi, thông tư Bộ Thông tin và Truyền thông',
      },
      { written: 'NĐ-CP', spoken: 'nghị định Chính phủ' },
    ]);
  });

  it('previews exactly what synthesis reads', () => {
    expect(readingPreview(PASSAGE).spoken).toBe(textForSpeech(PASSAGE));
    expect(textForSpeech(PASSAGE)).toContain('từ ngày mồng một tháng mười năm hai nghìn');
    expect(textForSpeech(PASSAGE)).not.toMatch(/quốc\ngia/);
  });
});
