import { runPython } from '../../../test/support/python';
import { tableToCsv } from './csv-writer';
import { documentForPeople, tableForPeople } from './people-columns';
import { COMPLIANCE_COLUMNS } from './report-documents';
import { columns, ReportTable } from './report-table';
import { documentToXlsx } from './xlsx-writer';

const TOPICS = new Map([
  ['kinh-te-so', 'Kinh tế số'],
  ['xa-hoi-so', 'Xã hội số'],
]);

/** Two pinned compliance rows of a commune whose code starts with zeros (Phường Ba Đình, Hà Nội). */
const COMPLIANCE: ReportTable = {
  sheet: 'Tuân thủ',
  readers: 'machines',
  columns: COMPLIANCE_COLUMNS,
  rows: [
    {
      communeCode: '00004',
      communeName: 'Phường Ba Đình',
      topic: 'kinh-te-so',
      airedSeconds: 754.321,
      plays: 9,
      requiredSeconds: 600,
      requiredPlays: 7,
      met: true,
    },
    {
      communeCode: '00004',
      communeName: 'Phường Ba Đình',
      topic: 'xa-hoi-so',
      airedSeconds: 59.94,
      plays: 1,
      requiredSeconds: 600,
      requiredPlays: 7,
      met: false,
    },
  ],
};

const HEADERS = [
  'Mã xã',
  'Tên xã',
  'Chủ đề',
  'Đã phát (phút)',
  'Số lượt phát',
  'Yêu cầu (phút)',
  'Số lượt yêu cầu',
  'Kết quả',
];

/** Python's csv module, the BOM taken off: rows of strings. */
const CSV_READER = `
import csv, io, json, sys
data = sys.stdin.buffer.read()
assert data.startswith(b"\\xef\\xbb\\xbf"), "no BOM"
print(json.dumps(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))))
`;

/** openpyxl: each cell's value, its type and its number format. */
const XLSX_READER = `
import base64, io, json, sys, openpyxl
book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sys.stdin.read())))
sheet = book.worksheets[0]
print(json.dumps([[[c.value, c.data_type, c.number_format] for c in row] for row in sheet.iter_rows()], default=str))
`;

describe('exports for people', () => {
  it('reads in Vietnamese: headers, topic names, minutes with one decimal, Đạt/Chưa đạt', () => {
    const table = tableForPeople(COMPLIANCE, TOPICS);
    expect(table.columns.map((column) => column.header)).toEqual(HEADERS);
    expect(table.rows[0]).toEqual({
      communeCode: '00004',
      communeName: 'Phường Ba Đình',
      topic: 'Kinh tế số',
      airedSeconds: 12.6,
      plays: 9,
      requiredSeconds: 10,
      requiredPlays: 7,
      met: 'Đạt',
    });
    // 59.94 s short of 600: 0.9 minutes, down, never the 1.0 it is nearest to.
    expect(table.rows[1]).toMatchObject({ airedSeconds: 0.9, met: 'Chưa đạt' });
  });

  it('never shows airtime short of its target or minimum as reaching it, nor a target or shortfall as less', () => {
    const table = tableForPeople(
      {
        sheet: 'x',
        readers: 'machines',
        columns: columns(
          ['airedSeconds', 'seconds'],
          ['requiredSeconds', 'seconds'],
          ['shortfallSeconds', 'seconds'],
          ['campaignSeconds', 'seconds'],
          ['belowMinimum', 'boolean'],
        ),
        rows: [
          {
            airedSeconds: 599.7,
            requiredSeconds: 600,
            shortfallSeconds: 0.3,
            campaignSeconds: 299.7,
            belowMinimum: true,
          },
          {
            airedSeconds: 2660,
            requiredSeconds: 2659,
            shortfallSeconds: 0,
            campaignSeconds: 299.7,
            belowMinimum: false,
          },
        ],
      },
      TOPICS,
    );
    expect(table.rows).toEqual([
      {
        airedSeconds: 9.9,
        requiredSeconds: 10,
        shortfallSeconds: 0.1,
        campaignSeconds: 4.9,
        belowMinimum: 'Chưa đạt',
      },
      {
        airedSeconds: 44.4,
        requiredSeconds: 44.4,
        shortfallSeconds: 0,
        campaignSeconds: 5,
        belowMinimum: 'Đạt',
      },
    ]);
  });

  it('names topics in per-topic columns and lists, and says what a broken chain is', () => {
    const table = tableForPeople(
      {
        sheet: 'x',
        readers: 'machines',
        columns: columns(
          ['kinh-te-so', 'seconds'],
          ['topicsMissed', 'text'],
          ['chainOk', 'boolean'],
          ['belowMinimum', 'boolean'],
          ['campaignStatus', 'text'],
        ),
        rows: [
          {
            'kinh-te-so': 90,
            topicsMissed: 'kinh-te-so xa-hoi-so',
            chainOk: false,
            belowMinimum: true,
            campaignStatus: 'behind',
          },
        ],
      },
      TOPICS,
    );
    expect(table.columns.map((column) => column.header)).toEqual([
      'Kinh tế số (phút)',
      'Chủ đề chưa đạt',
      'Chuỗi nhật ký',
      'Mức tối thiểu trong ngày',
      'Tình trạng chiến dịch',
    ]);
    expect(table.rows[0]).toEqual({
      'kinh-te-so': 1.5,
      topicsMissed: 'Kinh tế số; Xã hội số',
      chainOk: 'Bị can thiệp',
      belowMinimum: 'Chưa đạt',
      campaignStatus: 'Chậm tiến độ',
    });
  });

  it('names the coverage columns as deliveries to clusters, as the official report does', () => {
    const table = tableForPeople(
      {
        sheet: 'Theo xã',
        readers: 'machines',
        columns: columns(
          ['coverageTargeted', 'integer'],
          ['coverageAired', 'integer'],
          ['coveragePercent', 'percent'],
        ),
        // 3 clusters, 3 items: 9 deliveries, 8 aired whole.
        rows: [{ coverageTargeted: 9, coverageAired: 8, coveragePercent: 88.9 }],
      },
      TOPICS,
    );
    expect(table.columns.map((column) => column.header)).toEqual([
      'Lượt gửi đến cụm loa',
      'Lượt cụm loa phát đủ',
      'Tỷ lệ lượt phát đủ (%)',
    ]);
    expect(table.rows[0]).toEqual({ coverageTargeted: 9, coverageAired: 8, coveragePercent: 88.9 });
  });

  it('writes a CSV whose codes stay text and whose minutes carry a decimal comma (read back by Python)', async () => {
    const bytes = tableToCsv(tableForPeople(COMPLIANCE, TOPICS));
    expect(bytes.toString('utf8')).toContain(
      '"=""00004""",Phường Ba Đình,Kinh tế số,"12,6",9,"10,0",7,Đạt\r\n',
    );
    const rows = JSON.parse(await runPython(CSV_READER, bytes.toString('utf8'))) as string[][];
    expect(rows).toEqual([
      HEADERS,
      ['="00004"', 'Phường Ba Đình', 'Kinh tế số', '12,6', '9', '10,0', '7', 'Đạt'],
      ['="00004"', 'Phường Ba Đình', 'Xã hội số', '0,9', '1', '10,0', '7', 'Chưa đạt'],
    ]);
  });

  it('writes an XLSX whose codes are text cells and whose minutes are numbers (read back by openpyxl)', async () => {
    const bytes = await documentToXlsx(
      documentForPeople({ fileName: 'x', tables: [COMPLIANCE] }, TOPICS),
      new Date('2026-12-03T00:00:00Z'),
    );
    const rows = JSON.parse(await runPython(XLSX_READER, bytes.toString('base64'))) as [
      unknown,
      string,
      string,
    ][][];
    expect(rows[0].map(([value]) => value)).toEqual(HEADERS);
    expect(rows[1][0]).toEqual(['00004', 's', '@']);
    expect(rows[1][2]).toEqual(['Kinh tế số', 's', 'General']);
    expect(rows[1][3]).toEqual([12.6, 'n', '0.0']);
    expect(rows[1][7]).toEqual(['Đạt', 's', 'General']);
    expect(rows[2][7][0]).toBe('Chưa đạt');
  });
});
