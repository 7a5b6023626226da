import { runPython } from './support/python';
import {
  ADMIN,
  bearer,
  createTestStorage,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

/** Python's csv module, the BOM taken off: rows of strings. */
const CSV_READER = `
import csv, io, json, sys
data = sys.stdin.buffer.read()
assert data.startswith(b"\\xef\\xbb\\xbf"), "no BOM"
print(json.dumps(list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))))
`;

/** openpyxl: the first sheet's first rows as [value, type, number format]. */
const XLSX_READER = `
import base64, io, json, sys, openpyxl
book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(sys.stdin.read())))
rows = list(book.worksheets[0].iter_rows(max_row=2))
print(json.dumps([[[c.value, c.data_type, c.number_format] for c in row] for row in rows], default=str))
`;

const PEOPLE_HEADER = [
  'Mã xã',
  'Tên xã',
  'Chủ đề',
  'Đã phát (phút)',
  'Số lượt phát',
  'Yêu cầu (phút)',
  'Số lượt yêu cầu',
  'Kết quả',
];
const RAW_HEADER = [
  'communeCode',
  'communeName',
  'topic',
  'airedSeconds',
  'plays',
  'requiredSeconds',
  'requiredPlays',
  'met',
];

/** Issue 16, item 10: CSV/XLSX of the reports for people by default, `columns=raw` for machines. */
describe('report exports for people (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage);
    admin = await app.login(ADMIN.username, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  function download(query: string) {
    return app
      .http()
      .get(`/api/v1/reports/compliance?campaign=cds-2025&province=01${query}`)
      .set(bearer(admin))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
  }

  it('writes Vietnamese headers, topic names, minutes, Đạt/Chưa đạt and 00004 kept as text in CSV', async () => {
    const response = await download('&format=csv');
    const rows = JSON.parse(
      await runPython(CSV_READER, (response.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(rows[0]).toEqual(PEOPLE_HEADER);
    expect(rows[1].slice(0, 3)).toEqual(['="00004"', 'Phường Ba Đình', 'Chính quyền số']);
    expect(rows[1][3]).toBe('0,0');
    expect(rows[1][7]).toBe('Chưa đạt');
    expect(rows.slice(1).every((row) => /^\d+,\d$/.test(row[5]))).toBe(true);
  });

  it('writes the code as a text cell and minutes as numbers in XLSX', async () => {
    const response = await download('&format=xlsx');
    const rows = JSON.parse(
      await runPython(XLSX_READER, (response.body as Buffer).toString('base64')),
    ) as [unknown, string, string][][];
    expect(rows[0].map(([value]) => value)).toEqual(PEOPLE_HEADER);
    expect(rows[1][0]).toEqual(['00004', 's', '@']);
    expect(rows[1][3]).toEqual([0, 'n', '0.0']);
    expect(rows[1][7][0]).toBe('Chưa đạt');
  });

  it('keeps the JSON field names and values under columns=raw', async () => {
    const response = await download('&format=csv&columns=raw');
    const rows = JSON.parse(
      await runPython(CSV_READER, (response.body as Buffer).toString('utf8')),
    ) as string[][];
    expect(rows[0]).toEqual(RAW_HEADER);
    expect(rows[1].slice(0, 3)).toEqual(['00004', 'Phường Ba Đình', 'chinh-quyen-so']);
    expect(rows[1][7]).toBe('false');
  });

  it('refuses an unknown column set with a clear 400', async () => {
    const response = await app
      .http()
      .get('/api/v1/reports/compliance?campaign=cds-2025&province=01&format=csv&columns=dep')
      .set(bearer(admin))
      .expect(400);
    expect(JSON.stringify(response.body)).toMatch(/columns/);
  });
});
