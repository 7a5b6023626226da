import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/manual-clock';
import { ReceiptGrace } from '../src/playout/receipts/receipt-grace.service';
import { OfficialReportDraft } from '../src/reports/official/entities/official-report-draft.entity';
import { ScheduleItem } from '../src/schedule/entities/schedule-item.entity';
import { airedMinutesNumber, minutesText } from '../src/reports/official/official-format';
import {
  CAMPAIGN_TOPICS,
  datesBetween,
  localInstant,
  Random,
  randomRecord,
  RecordInput,
  SlotBook,
} from './support/as-run-data';
import {
  pdfFonts,
  pdfInfo,
  pdfPageImage,
  pdfSig,
  pdfSignatureWords,
  pdfText,
} from './support/pdf-tools';
import { listen } from './support/browser';
import { Speaker } from './support/live-speaker';
import { insertBulletin, insertScheduleItem } from './support/playout-fixtures';
import { airedPlay, ReceiptDevice } from './support/receipt-device';
import {
  ADMIN,
  bearer,
  createTestStorage,
  createUserAndLogin,
  startTestApp,
  TestApp,
  TestStorage,
} from './support/test-app';

const GOOD = '14797';
const LAGGING = '14812';
const PROVINCE = '38';
const CAMPAIGN = 'cds-2025';
const OCTOBER = datesBetween('2025-10-01', '2025-10-31');
const SEPTEMBER = datesBetween('2025-09-01', '2025-09-30');

interface ComplianceJson {
  from: string;
  to: string;
  rows: {
    communeCode: string;
    topic: string;
    airedSeconds: number;
    requiredSeconds: number;
    plays: number;
  }[];
  communes: {
    communeCode: string;
    communeName: string;
    daysBelowMinimum: number;
    topicsMet: number;
    topicsRequired: number;
  }[];
}

interface AsRunJson {
  records: { seq: number; hash: string }[];
}

function binary(response: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** A self-signed certificate and its key in a PKCS#12 file, made by the openssl CLI. */
function selfSignedP12(password: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'loa-xa-p12-'));
  try {
    const [key, cert, p12] = ['key.pem', 'cert.pem', 'cert.p12'].map((name) => join(dir, name));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-utf8',
        '-days',
        '3650',
        '-subj',
        '/CN=Sở Khoa học và Công nghệ Thanh Hóa/O=UBND tỉnh Thanh Hóa/C=VN',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      cert,
      '-out',
      p12,
      '-passout',
      `pass:${password}`,
    ]);
    return readFileSync(p12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdftotext -layout spreads words with runs of spaces and breaks lines: compare words only. */
const squeeze = (text: string): string => text.replace(/\s+/g, ' ');

describe('official reports (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let admin: string;
  let monitor: string;
  let foreignMonitor: string;
  let operator: string;
  const clock = new ManualClock('2025-11-10T03:00:00.000Z');
  const random = new Random(17_2025);
  const slots = new SlotBook();

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));
  const getPdf = (path: string, token: string) => get(path, token).buffer(true).parse(binary);

  async function batch(communeCode: string, records: RecordInput[]): Promise<void> {
    const response = await app
      .http()
      .post(`/api/v1/communes/${communeCode}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records });
    if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  }

  /** Every day of October one aired bulletin per campaign topic, a short one on the 15th. */
  function goodMonth(): RecordInput[] {
    return OCTOBER.flatMap((date) =>
      CAMPAIGN_TOPICS.map((topic): RecordInput => {
        const start = slots.take(GOOD, date) as string;
        const spanMs = date === '2025-10-15' ? 50_000 : random.int(95, 150) * 1000 + 317;
        return {
          outcome: 'aired',
          title: `Chuyên mục ${topic} ngày ${date}`,
          topics: [topic],
          startedAt: start,
          endedAt: new Date(Date.parse(start) + spanMs).toISOString(),
        };
      }),
    );
  }

  function sample(communeCode: string, dates: string[], count: number): RecordInput[] {
    return Array.from({ length: count }, () =>
      randomRecord(random, slots.take(communeCode, random.pick(dates)) as string),
    );
  }

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    foreignMonitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-ha-noi',
      role: 'monitor',
      provinceCode: '01',
    });
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: GOOD,
    });
    await batch(GOOD, goodMonth());
    await batch(GOOD, sample(GOOD, SEPTEMBER, 30));
    await batch(LAGGING, sample(LAGGING, OCTOBER, 40));
    await batch(LAGGING, sample(LAGGING, SEPTEMBER, 20));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  async function compliance(): Promise<ComplianceJson> {
    const response = await get(
      `/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    return response.body as ComplianceJson;
  }

  async function chainHead(communeCode: string): Promise<{ seq: number; hash: string }> {
    const response = await get(
      `/reports/communes/${communeCode}/as-run?from=2025-09-01&to=2025-10-31`,
      admin,
    ).expect(200);
    const records = (response.body as AsRunJson).records;
    return records.reduce((last, record) => (record.seq > last.seq ? record : last));
  }

  /** The numbers of a commune's row in the PDF, as the JSON report has them. */
  function communeLine(json: ComplianceJson, communeCode: string): string {
    const commune = json.communes.find((row) => row.communeCode === communeCode);
    const cells = CAMPAIGN_TOPICS.map((topic) => {
      const row = json.rows.find(
        (candidate) => candidate.communeCode === communeCode && candidate.topic === topic,
      );
      return `${airedMinutesNumber(row?.airedSeconds ?? 0, row?.requiredSeconds ?? 0)} (${row?.plays ?? 0})`;
    });
    return [
      commune?.communeName,
      ...cells,
      `${commune?.topicsMet}/${commune?.topicsRequired}`,
      String(commune?.daysBelowMinimum),
    ].join(' ');
  }

  it("renders the province's report as an A4 PDF in the NĐ 30 layout, numbers as the JSON report's", async () => {
    const response = await getPdf(
      `/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}`,
      monitor,
    ).expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toContain(
      `bao-cao_${CAMPAIGN}_${PROVINCE}_2025-10-01_2025-10-31.pdf`,
    );
    const pdf = response.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((font) => font.embedded)).toBe(true);
    expect(fonts.map((font) => font.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\+LiberationSerif$/),
        expect.stringMatching(/\+LiberationSerif-Bold$/),
      ]),
    );

    const text = squeeze(pdfText(pdf));
    for (const phrase of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'UBND TỈNH THANH HÓA',
      'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
      'Thanh Hóa, ngày 10 tháng 11 năm 2025',
      'BÁO CÁO',
      'Hưởng ứng Ngày Chuyển đổi số quốc gia năm 2025',
      'Nơi nhận:',
      'Bộ Khoa học và Công nghệ (để b/c);',
      'KT. GIÁM ĐỐC',
      'thời lượng tối thiểu mỗi ngày: 5,0 phút',
    ]) {
      expect(text).toContain(phrase);
    }
    const json = await compliance();
    expect(text).toContain(communeLine(json, GOOD));
    expect(text).toContain(communeLine(json, LAGGING));
    // Each target over the 31 days: ceil(600 × 31 / 7) s and ceil(7 × 31 / 7) plays.
    expect(text).toContain(`${minutesText(Math.ceil((600 * 31) / 7))}, 31 lượt`);

    for (const communeCode of [GOOD, LAGGING]) {
      const head = await chainHead(communeCode);
      expect(text).toMatch(new RegExp(`Toàn vẹn\\s+${head.seq}\\s+${head.hash}`));
    }
    expect(text).toContain('164 xã, phường còn lại chưa có nhật ký phát thanh.');

    pdfPageImage(pdf, 1, 'official-province-p1');
    pdfPageImage(pdf, 2, 'official-province-p2');
  });

  it("gives a commune's own report to its operator, and no one else's", async () => {
    const response = await getPdf(
      `/reports/official?campaign=${CAMPAIGN}&commune=${GOOD}`,
      operator,
    ).expect(200);
    const pdf = response.body as Buffer;
    const text = squeeze(pdfText(pdf));
    expect(text).toContain('UBND PHƯỜNG HẠC THÀNH');
    expect(text).toContain('TM. ỦY BAN NHÂN DÂN');
    expect(text).toContain(communeLine(await compliance(), GOOD));
    expect(text).not.toContain('Phường Bỉm Sơn');
    pdfPageImage(pdf, 1, 'official-commune-p1');
    pdfPageImage(pdf, 2, 'official-commune-p2');

    await get(`/reports/official?campaign=${CAMPAIGN}&commune=${LAGGING}`, operator).expect(403);
    await get(`/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}`, operator).expect(403);
    await get(`/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}`, foreignMonitor).expect(
      403,
    );
    const both = await get(
      `/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}&commune=${GOOD}`,
      admin,
    ).expect(400);
    expect(both.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    await get(`/reports/official?province=${PROVINCE}`, admin).expect(400);
  });

  it('renders a draft with the words its author edited, the numbers computed anew', async () => {
    const created = await app
      .http()
      .post('/api/v1/reports/official/drafts')
      .set(bearer(monitor))
      .send({
        campaign: CAMPAIGN,
        province: PROVINCE,
        from: '2025-10-01',
        to: '2025-10-15',
        text: { signerName: 'Nguyễn Văn Tước', documentNumber: '125/BC-SKHCN' },
      })
      .expect(201);
    const draft = created.body as { id: string; text: { subject: string; paragraphs: string[] } };
    expect(draft.text.subject).toContain('từ ngày 01/10/2025 đến ngày 15/10/2025');

    // Numbers are not words: a draft cannot carry them.
    const numbers = await app
      .http()
      .patch(`/api/v1/reports/official/drafts/${draft.id}`)
      .set(bearer(monitor))
      .send({ airedSeconds: 99999 })
      .expect(400);
    expect(numbers.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    await app
      .http()
      .patch(`/api/v1/reports/official/drafts/${draft.id}`)
      .set(bearer(monitor))
      .send({ paragraphs: ['Đoạn mở đầu đã sửa: kết quả nửa đầu tháng 10.'] })
      .expect(200);
    await app
      .http()
      .patch(`/api/v1/reports/official/drafts/${draft.id}`)
      .set(bearer(operator))
      .send({ signerName: 'Người khác' })
      .expect(403);

    const response = await getPdf(`/reports/official?draft=${draft.id}`, monitor).expect(200);
    const text = squeeze(pdfText(response.body as Buffer));
    expect(text).toContain('Nguyễn Văn Tước');
    expect(text).toContain('Số: 125/BC-SKHCN');
    expect(text).toContain('Đoạn mở đầu đã sửa: kết quả nửa đầu tháng 10.');
    const half = (
      await get(
        `/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}&from=2025-10-01&to=2025-10-15`,
        monitor,
      ).expect(200)
    ).body as ComplianceJson;
    expect(text).toContain(communeLine(half, GOOD));

    const missing = await get(
      '/reports/official?draft=00000000-0000-4000-8000-000000000000',
      monitor,
    ).expect(404);
    expect(missing.body).toMatchObject({ code: 'OFFICIAL_DRAFT_NOT_FOUND' });
    await get(`/reports/official?draft=${draft.id}`, foreignMonitor).expect(403);
  });

  it('refuses words the report font cannot print when a draft is saved, naming each character', async () => {
    const drafts = () => app.app.get(DataSource).getRepository(OfficialReportDraft);
    const before = await drafts().count();
    const refused = await app
      .http()
      .post('/api/v1/reports/official/drafts')
      .set(bearer(monitor))
      .send({
        campaign: CAMPAIGN,
        province: PROVINCE,
        text: {
          paragraphs: ['Đoạn đầu in được.', 'Kết quả tốt & ký tự đặc biệt ☎ 😀 ☎'],
          signerName: 'Nguyễn Văn ☎',
        },
      })
      .expect(422);
    expect(refused.body).toMatchObject({
      statusCode: 422,
      code: 'OFFICIAL_TEXT_UNPRINTABLE',
      unprintable: [
        {
          field: 'paragraphs',
          index: 1,
          characters: ['☎', '😀'],
          codePoints: ['U+260E', 'U+1F600'],
        },
        { field: 'signerName', characters: ['☎'], codePoints: ['U+260E'] },
      ],
    });
    expect(refused.body.message).toContain('"😀" (U+1F600) in paragraphs[1]');
    expect(await drafts().count()).toBe(before);

    // Vietnamese as typed or pasted prints: precomposed or with combining marks (NFD), quotes,
    // dashes, an ellipsis, line breaks.
    const words = [
      'Ứng dụng “Chuyển đổi số” – kết quả…',
      'Người dân\nđã biết dùng dịch vụ công trực tuyến.'.normalize('NFD'),
    ];
    const made = (
      await app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(monitor))
        .send({ campaign: CAMPAIGN, province: PROVINCE, text: { paragraphs: words } })
        .expect(201)
    ).body as { id: string; text: { signerName: string } };
    const patched = await app
      .http()
      .patch(`/api/v1/reports/official/drafts/${made.id}`)
      .set(bearer(monitor))
      .send({ signerName: 'Trần Văn 😀', recipients: ['Như trên;', 'Lưu: VT ☎'] })
      .expect(422);
    expect(patched.body.unprintable).toEqual([
      { field: 'recipients', index: 1, characters: ['☎'], codePoints: ['U+260E'] },
      { field: 'signerName', characters: ['😀'], codePoints: ['U+1F600'] },
    ]);
    const kept = await get(`/reports/official/drafts/${made.id}`, monitor).expect(200);
    expect(kept.body.text.signerName).toBe(made.text.signerName);
    const pdf = await getPdf(`/reports/official?draft=${made.id}`, monitor).expect(200);
    expect(squeeze(pdfText(pdf.body as Buffer))).toContain('Ứng dụng “Chuyển đổi số” – kết quả…');

    // A draft saved before the check is refused when rendered, not printed without them.
    await drafts().update(made.id, { text: { ...made.text, paragraphs: ['Đã lưu từ trước ☎'] } });
    const old = await get(`/reports/official?draft=${made.id}&signed=true`, monitor).expect(422);
    expect(old.body).toMatchObject({
      code: 'OFFICIAL_TEXT_UNPRINTABLE',
      unprintable: [{ field: 'paragraphs', index: 0, characters: ['☎'] }],
    });
  });

  it("finds a report's drafts by campaign, scope and range; a new one starts with the scope's signer and recipients", async () => {
    type Text = {
      signerName: string;
      documentNumber: string;
      subject: string;
      recipients: string[];
    };
    type Draft = { id: string; from: string | null; to: string | null; text: Text };
    const commune = `campaign=${CAMPAIGN}&commune=${GOOD}`;
    const half = `${commune}&from=2025-10-01&to=2025-10-15`;
    const startingOf = async (query: string, token = operator): Promise<Text> =>
      (await get(`/reports/official/text?${query}`, token).expect(200)).body as Text;
    const draftsOf = async (query: string): Promise<Draft[]> =>
      (await get(`/reports/official/drafts?${query}`, operator).expect(200)).body as Draft[];

    // No draft yet: the defaults, shown before anything is saved.
    const fresh = await startingOf(commune);
    expect(fresh).toMatchObject({
      issuingBody: 'UBND PHƯỜNG HẠC THÀNH',
      signerAuthority: 'TM. ỦY BAN NHÂN DÂN',
      signerName: '',
    });
    expect(fresh.subject).toContain('từ ngày 01/10/2025 đến ngày 31/10/2025');
    await expect(draftsOf(commune)).resolves.toEqual([]);

    const recipients = ['Sở Khoa học và Công nghệ (để b/c);', 'Đảng ủy phường;', 'Lưu: VT.'];
    const made = (
      await app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(operator))
        .send({
          campaign: CAMPAIGN,
          commune: GOOD,
          from: '2025-10-01',
          to: '2025-10-15',
          text: { signerName: 'Lê Văn Ký', documentNumber: '07/BC-UBND', recipients },
        })
        .expect(201)
    ).body as Draft;
    // A draft belongs to its range: the whole campaign is another report.
    await expect(draftsOf(half)).resolves.toEqual([expect.objectContaining({ id: made.id })]);
    await expect(draftsOf(commune)).resolves.toEqual([]);

    // The next report of the commune starts with its signer and recipients, not its number or subject.
    const next = await startingOf(commune);
    expect(next).toMatchObject({ signerName: 'Lê Văn Ký', recipients });
    expect(next.documentNumber).toBe(fresh.documentNumber);
    expect(next.subject).toBe(fresh.subject);
    const whole = (
      await app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(operator))
        .send({ campaign: CAMPAIGN, commune: GOOD })
        .expect(201)
    ).body as Draft;
    expect(whole).toMatchObject({ from: null, to: null, text: { signerName: 'Lê Văn Ký' } });
    await expect(draftsOf(commune)).resolves.toEqual([expect.objectContaining({ id: whole.id })]);
    // The province's reports keep their own words.
    expect(
      (await startingOf(`campaign=${CAMPAIGN}&province=${PROVINCE}`, monitor)).signerName,
    ).not.toBe('Lê Văn Ký');

    for (const path of ['drafts', 'text']) {
      await get(
        `/reports/official/${path}?campaign=${CAMPAIGN}&commune=${LAGGING}`,
        operator,
      ).expect(403);
      await get(
        `/reports/official/${path}?campaign=${CAMPAIGN}&province=${PROVINCE}`,
        foreignMonitor,
      ).expect(403);
      const missing = await get(`/reports/official/${path}?commune=${GOOD}`, operator).expect(400);
      expect(missing.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const unknown = await get(`/reports/official/text?campaign=khong-co&commune=${GOOD}`, operator);
    expect(unknown.status).toBe(404);
    const backwards = await get(
      `/reports/official/text?${commune}&from=2025-10-20&to=2025-10-01`,
      operator,
    ).expect(400);
    expect(backwards.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('signs the report (PAdES) with the uploaded PKCS#12; pdfsig finds it valid, and invalid once changed', async () => {
    const url = `/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}&signed=true`;
    const none = await get(url, monitor).expect(404);
    expect(none.body).toMatchObject({ code: 'SIGNING_CERTIFICATE_NOT_FOUND' });

    const p12 = selfSignedP12('mat-khau-ky-2025');
    const upload = (token: string, password: string) =>
      app
        .http()
        .post('/api/v1/admin/signing-certificate')
        .set(bearer(token))
        .attach('file', p12, 'chung-thu.p12')
        .field('provinceCode', PROVINCE)
        .field('password', password);
    await upload(monitor, 'mat-khau-ky-2025').expect(403);
    const wrong = await upload(admin, 'sai-mật-khẩu').expect(422);
    expect(wrong.body).toMatchObject({ code: 'SIGNING_CERTIFICATE_INVALID' });
    const uploaded = await upload(admin, 'mat-khau-ky-2025').expect(201);
    expect(uploaded.body).toMatchObject({
      provinceCode: PROVINCE,
      subject: expect.stringContaining('CN=Sở Khoa học và Công nghệ Thanh Hóa') as unknown,
    });
    // The password is kept only sealed: not in the database in clear.
    const kept = await app.app
      .get(DataSource)
      .query('SELECT p12, password_cipher FROM signing_certificate');
    expect(JSON.stringify(kept)).not.toContain('mat-khau-ky-2025');

    // The province's certificate signs the province's reports, not a commune's own.
    await get(
      `/reports/official?campaign=${CAMPAIGN}&commune=${GOOD}&signed=true`,
      operator,
    ).expect(403);
    const signed = (await getPdf(url, monitor).expect(200)).body as Buffer;
    const raw = signed.toString('latin1');
    expect(raw).toContain('/SubFilter /ETSI.CAdES.detached');
    expect(raw).toMatch(/\/ByteRange \[0 \d+ \d+ \d+\s*\]/);
    const check = pdfSig(signed);
    expect(check.stdout).toContain('Signature Validation: Signature is Valid.');
    // Well-formed: the signature's build dictionary names the app as a PDF name, escaped
    // (a raw space and UTF-8 there made poppler say "Dictionary key must be a name object").
    expect(raw).toMatch(/\/App <<\s*\/Name \/Loa#20x#C3#A3\s*>>/);
    const info = pdfInfo(signed);
    expect(info.status).toBe(0);
    expect(info.stderr).not.toContain('Syntax Error');
    expect(check.stderr).not.toContain('Syntax Error');
    // pdfsig names the signer by the certificate, its Vietnamese as it is.
    expect(check.stdout).toContain(
      'Signer Certificate Common Name: Sở Khoa học và Công nghệ Thanh Hóa',
    );
    expect(squeeze(pdfText(signed))).toContain('SỞ KHOA HỌC VÀ CÔNG NGHỆ');

    // The signature dictionary's words (which pdfsig does not print) are PDF text strings,
    // UTF-16BE after FE FF: a reader shows the signer's name and the place with their diacritics
    // (they were UTF-16 encoded again as UTF-8, "Ã¾Ã¿" and two characters for each letter).
    const draft = (
      await app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(monitor))
        .send({
          campaign: CAMPAIGN,
          province: PROVINCE,
          text: { signerName: 'Nguyễn Thị Ánh Tuyết', documentNumber: '131/BC-SKHCN' },
        })
        .expect(201)
    ).body as { id: string; text: { subject: string } };
    const byDraft = (
      await getPdf(`/reports/official?draft=${draft.id}&signed=true`, monitor).expect(200)
    ).body as Buffer;
    expect(pdfSig(byDraft).stdout).toContain('Signature Validation: Signature is Valid.');
    expect(byDraft.toString('latin1')).toMatch(/\/Name <FEFF[0-9A-F]+>/);
    await expect(pdfSignatureWords(byDraft)).resolves.toEqual([
      {
        field: 'Signature1',
        name: 'Nguyễn Thị Ánh Tuyết',
        location: 'Thanh Hóa',
        reason: `Ký phát hành: ${draft.text.subject}`,
        contactInfo: 'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
      },
    ]);

    // One byte of the signed content changed (inside the first byte range): the signature fails.
    const tampered = Buffer.from(signed);
    const at = raw.indexOf('/Title');
    tampered[at + 1] = tampered[at + 1] ^ 0x20;
    const broken = pdfSig(tampered);
    expect(broken.stdout).not.toContain('Signature is Valid.');
    expect(broken.stdout).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it("serves the open statistics feed per commune and day, its sums equal to the compliance report's", async () => {
    interface Feed {
      schemaVersion: number;
      days: {
        communeCode: string;
        date: string;
        bulletins: Record<string, number>;
        topics: { topic: string; airedSeconds: number; plays: number }[];
      }[];
    }
    const response = await get(
      `/stats/provinces/${PROVINCE}/days?from=2025-10-01&to=2025-10-31`,
      monitor,
    ).expect(200);
    const feed = response.body as Feed;
    expect(feed.schemaVersion).toBe(1);
    expect(new Set(feed.days.map((day) => day.communeCode))).toEqual(new Set([GOOD, LAGGING]));
    const json = await compliance();
    for (const row of json.rows) {
      const cells = feed.days
        .filter((day) => day.communeCode === row.communeCode)
        .flatMap((day) => day.topics.filter((cell) => cell.topic === row.topic));
      const airedMs = cells.reduce((sum, cell) => sum + Math.round(cell.airedSeconds * 1000), 0);
      expect({ commune: row.communeCode, topic: row.topic, airedMs }).toEqual({
        commune: row.communeCode,
        topic: row.topic,
        airedMs: Math.round(row.airedSeconds * 1000),
      });
      expect(cells.reduce((sum, cell) => sum + cell.plays, 0)).toBe(row.plays);
    }

    // Bulletins by outcome: the records in effect, as the records route lists them.
    const goodDays = feed.days.filter((day) => day.communeCode === GOOD);
    expect(goodDays).toHaveLength(31);
    for (const day of goodDays) {
      // Nothing of this month was on a program log (the records were posted): nothing planned.
      expect(day.bulletins).toEqual({
        planned: 0,
        aired: 4,
        partial: 0,
        failed: 0,
        missed: 0,
        emergencies: 0,
      });
    }
    const records = (
      await get(`/reports/communes/${LAGGING}/records?from=2025-10-01&to=2025-10-31`, admin).expect(
        200,
      )
    ).body as { records: { outcome: string; inEffect: boolean }[] };
    const counted: Record<string, number> = { aired: 0, partial: 0, failed: 0, missed: 0 };
    for (const record of records.records.filter((item) => item.inEffect)) {
      counted[record.outcome] += 1;
    }
    const fed: Record<string, number> = { aired: 0, partial: 0, failed: 0, missed: 0 };
    for (const day of feed.days.filter((item) => item.communeCode === LAGGING)) {
      for (const outcome of Object.keys(fed)) fed[outcome] += day.bulletins[outcome];
    }
    expect(fed).toEqual(counted);
    expect(fed.aired + fed.partial + fed.failed + fed.missed).toBe(40);

    const own = await get(
      `/stats/communes/${GOOD}/days?from=2025-10-01&to=2025-10-31`,
      operator,
    ).expect(200);
    expect((own.body as Feed).days).toEqual(feed.days.filter((day) => day.communeCode === GOOD));
    await get(`/stats/provinces/${PROVINCE}/days?from=2025-10-01&to=2025-10-31`, operator).expect(
      403,
    );
    await get(`/stats/provinces/${PROVINCE}/days?from=2025-10-01`, monitor).expect(400);

    // An API key reads its province's feed (and its communes'), nothing else.
    const made = await app
      .http()
      .post('/api/v1/admin/api-keys')
      .set(bearer(admin))
      .send({ provinceCode: PROVINCE, name: 'Hệ thống thông tin nguồn trung ương' })
      .expect(201);
    const key = (made.body as { key: string }).key;
    expect(key).toMatch(/^lxk_/);
    const kept = await app.app.get(DataSource).query('SELECT key_hash FROM api_key');
    expect(JSON.stringify(kept)).not.toContain(key);
    const withKey = (path: string) => app.http().get(`/api/v1${path}`).set('X-API-Key', key);
    const byKey = await withKey(
      `/stats/provinces/${PROVINCE}/days?from=2025-10-01&to=2025-10-31`,
    ).expect(200);
    expect((byKey.body as Feed).days).toEqual(feed.days);
    await withKey(`/stats/communes/${GOOD}/days?from=2025-10-01&to=2025-10-31`).expect(200);
    await withKey('/stats/provinces/01/days?from=2025-10-01&to=2025-10-31').expect(403);
    await withKey(`/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}`).expect(401);
    await app
      .http()
      .get(`/api/v1/stats/provinces/${PROVINCE}/days?from=2025-10-01&to=2025-10-31`)
      .set('X-API-Key', 'lxk_khong-co')
      .expect(401);
    await app
      .http()
      .post('/api/v1/admin/api-keys')
      .set(bearer(monitor))
      .send({ provinceCode: PROVINCE, name: 'x' })
      .expect(403);
  });

  it("refuses to print a campaign's or a topic's name the report font cannot draw, naming it", async () => {
    // A real topic and campaign of the province, their names holding ☎ and 😀.
    await app
      .http()
      .post('/api/v1/topics')
      .set(bearer(admin))
      .send({ code: 'an-toan-so', name: 'An toàn số 😀' })
      .expect(201);
    await app
      .http()
      .post('/api/v1/campaigns')
      .set(bearer(monitor))
      .send({
        code: 'cds-ky-tu',
        name: 'Chuyển đổi số ☎ 2025',
        provinceCode: PROVINCE,
        startsOn: '2025-10-01',
        endsOn: '2025-10-31',
        rules: [
          { topic: 'kinh-te-so', minSecondsPerWeek: 600 },
          { topic: 'an-toan-so', minSecondsPerWeek: 600 },
        ],
      })
      .expect(201);
    const scope = `campaign=cds-ky-tu&province=${PROVINCE}`;

    // The default words hold the campaign's name too: each place is named, the names first.
    const plain = await get(`/reports/official?${scope}`, monitor).expect(422);
    expect(plain.body).toMatchObject({ statusCode: 422, code: 'OFFICIAL_TEXT_UNPRINTABLE' });
    expect(plain.body.unprintable).toEqual([
      { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
      { field: 'topicName', code: 'an-toan-so', characters: ['😀'], codePoints: ['U+1F600'] },
      { field: 'subject', characters: ['☎'], codePoints: ['U+260E'] },
      { field: 'paragraphs', index: 0, characters: ['☎'], codePoints: ['U+260E'] },
    ]);
    expect(plain.body.message).toContain('"☎" (U+260E) in campaignName;');
    expect(plain.body.message).toContain('"😀" (U+1F600) in topicName of an-toan-so;');

    // A new draft keeping the default words, which hold the campaign's name, is refused naming
    // that name, not the subject or the opening the user never typed; what they typed that does
    // not print is named after it.
    const newDraft = (text: Record<string, unknown>) =>
      app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(monitor))
        .send({ campaign: 'cds-ky-tu', province: PROVINCE, text });
    const kept = await newDraft({ signerName: 'Nguyễn Văn An' }).expect(422);
    expect(kept.body).toMatchObject({ statusCode: 422, code: 'OFFICIAL_TEXT_UNPRINTABLE' });
    expect(kept.body.unprintable).toEqual([
      { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
    ]);
    const typed = await newDraft({ subject: 'Kết quả 😀' }).expect(422);
    expect(typed.body.unprintable).toEqual([
      { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
      { field: 'subject', characters: ['😀'], codePoints: ['U+1F600'] },
    ]);

    // A draft whose own words all print is still refused, signed or not: the names are printed.
    const draft = (
      await app
        .http()
        .post('/api/v1/reports/official/drafts')
        .set(bearer(monitor))
        .send({
          campaign: 'cds-ky-tu',
          province: PROVINCE,
          text: {
            subject: 'Về kết quả phát thanh chuyển đổi số tháng 10',
            paragraphs: ['Sở báo cáo kết quả như sau:'],
          },
        })
        .expect(201)
    ).body as { id: string };
    for (const signed of ['', '&signed=true']) {
      const refused = await get(`/reports/official?draft=${draft.id}${signed}`, monitor).expect(
        422,
      );
      expect(refused.body.unprintable).toEqual([
        { field: 'campaignName', characters: ['☎'], codePoints: ['U+260E'] },
        { field: 'topicName', code: 'an-toan-so', characters: ['😀'], codePoints: ['U+1F600'] },
      ]);
    }

    // Renamed, both print, and the PDF reads them back whole.
    await app
      .http()
      .patch('/api/v1/campaigns/cds-ky-tu')
      .set(bearer(monitor))
      .send({ name: 'Chuyển đổi số – đợt hai 2025' })
      .expect(200);
    await app
      .http()
      .patch('/api/v1/topics/an-toan-so')
      .set(bearer(admin))
      .send({ name: 'An toàn số' })
      .expect(200);
    const pdf = await getPdf(`/reports/official?draft=${draft.id}`, monitor).expect(200);
    const text = squeeze(pdfText(pdf.body as Buffer));
    expect(text).toContain('Chiến dịch: Chuyển đổi số – đợt hai 2025 (mã cds-ky-tu)');
    expect(text).toContain('An toàn số');
    expect(text).toContain('Về kết quả phát thanh chuyển đổi số tháng 10');
    // Its rules set no plays target: "—" in the plays column, none in the range's target.
    const target = `10,0 phút — ${minutesText(Math.ceil((600 * 31) / 7))}`;
    expect(text).toContain(`An toàn số ${target}`);
    expect(text).not.toContain(`${target}, 0 lượt`);
  });
});

describe("official reports: the clusters' coverage (e2e)", () => {
  let storage: TestStorage;
  let app: TestApp;
  let monitor: string;
  let operator: string;
  /** 05:00 on 20/10/2025, before the day's items: the clusters are enrolled before them. */
  const clock = new ManualClock('2025-10-19T22:00:00.000Z');
  const ITEM_MS = 60_000;
  const at = (time: string, plusMs = 0): string =>
    new Date(Date.parse(`2025-10-20T${time}+07:00`) + plusMs).toISOString();

  const get = (path: string, token: string) => app.http().get(`/api/v1${path}`).set(bearer(token));
  /** Live announcements on the clusters: one aired by one cluster, the other by none. */
  let heard: ScheduleItem;
  let unheard: ScheduleItem;

  /**
   * A live announcement on the commune's clusters at `time`: the operator speaks for 1.5 s
   * through the real socket; the item it put on the program log, with its spoken length.
   */
  async function announce(baseUrl: string, time: string): Promise<ScheduleItem> {
    clock.set(at(time));
    const opened = await app
      .http()
      .post(`/api/v1/communes/${GOOD}/live`)
      .set(bearer(operator))
      .send({})
      .expect(201);
    const speaker = await Speaker.connect(baseUrl, (opened.body as { ticket: string }).ticket);
    await speaker.speak(880, 1500);
    speaker.ws.send(JSON.stringify({ type: 'stop' }));
    const ended = await speaker.waitFor('ended', 30000);
    return app.app
      .get(DataSource)
      .manager.findOneByOrFail(ScheduleItem, { id: ended.scheduleItemId as string });
  }

  beforeAll(async () => {
    storage = await createTestStorage({
      PLAYOUT_RECEIPT_GRACE_MINUTES: '10',
      PLAYOUT_RECONCILE_SECONDS: '30',
    });
    app = await startTestApp(storage, {}, { clock });
    const baseUrl = await listen(app);
    const admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    operator = await createUserAndLogin(app, admin, {
      username: 'van-hanh-hac-thanh',
      role: 'operator',
      communeCode: GOOD,
    });
    const one = await ReceiptDevice.enrol(app, operator, GOOD, 'Cụm loa thôn Đông');
    const two = await ReceiptDevice.enrol(app, operator, GOOD, 'Cụm loa thôn Tây');
    const bulletin = await insertBulletin(app, {
      communeCode: GOOD,
      provinceCode: PROVINCE,
      title: 'Kinh tế số: nông sản lên sàn',
      topics: ['kinh-te-so'],
    });
    const items = [];
    for (const time of ['06:00:00', '06:10:00', '06:20:00']) {
      items.push(
        await insertScheduleItem(app, {
          communeCode: GOOD,
          bulletinId: bulletin.id,
          startsAt: new Date(at(time)),
          durationMs: ITEM_MS,
        }),
      );
    }
    heard = await announce(baseUrl, '07:00:00');
    unheard = await announce(baseUrl, '07:10:00');
    clock.set(at('12:00:00'));
    // Item 1 aired by both clusters, item 2 whole by one and in part by the other, item 3 by
    // none; the first live announcement aired whole by one cluster, the second by none.
    await one
      .upload([
        one.played(airedPlay(items[0].id, at('06:00:00', 500), ITEM_MS)),
        one.played(airedPlay(items[1].id, at('06:10:00', 500), ITEM_MS)),
        one.played(airedPlay(heard.id, at('07:00:00', 200), heard.durationMs)),
      ])
      .expect(200);
    await two
      .upload([
        two.played(airedPlay(items[0].id, at('06:00:00', 700), ITEM_MS)),
        two.played({
          ...airedPlay(items[1].id, at('06:10:00', 700), 20_000),
          outcome: 'partial',
          reason: 'Mất điện',
        }),
      ])
      .expect(200);
    await app.app.get(ReceiptGrace).settle();
    clock.set('2025-11-10T03:00:00.000Z');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it("shows per commune the items sent to its clusters and aired whole, as the compliance report's", async () => {
    // The live announcements' records are built from the clusters' receipts as the items' are.
    const records = (await get(`/communes/${GOOD}/playout-log`, operator).expect(200)).body as {
      scheduleItemId: string | null;
      source: string;
      devices?: unknown;
    }[];
    // The latest of an item's records (the scheduler's tick may have written it before the
    // cluster's upload, which then corrected it).
    const recordOf = (item: ScheduleItem) =>
      records.filter((record) => record.scheduleItemId === item.id).pop();
    expect(recordOf(heard)).toMatchObject({
      source: 'live',
      devices: { targeted: 2, aired: 1, unreported: 1 },
    });
    expect(recordOf(unheard)).toMatchObject({
      source: 'live',
      devices: { targeted: 2, aired: 0, unreported: 2 },
    });

    const json = (
      await get(`/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}`, monitor).expect(
        200,
      )
    ).body as { communes: { communeCode: string; communeName: string; coverage: unknown }[] };
    const good = json.communes.find((commune) => commune.communeCode === GOOD);
    // 3 items and 2 live announcements, each sent to 2 clusters: 2 + 1 + 0 + 1 + 0 aired whole.
    expect(good?.coverage).toEqual({ targeted: 10, aired: 4, percent: 40 });
    const row = `${good?.communeName} 10 4 40,0%`;

    for (const [path, token, name] of [
      [`/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}`, monitor, 'province'],
      [`/reports/official?campaign=${CAMPAIGN}&commune=${GOOD}`, operator, 'commune'],
    ] as const) {
      const pdf = (await get(path, token).buffer(true).parse(binary).expect(200)).body as Buffer;
      const text = squeeze(pdfText(pdf));
      expect(text).toContain('4. Độ phủ của cụm loa (theo biên nhận của cụm thu phát)');
      expect(text).toContain(row);
      pdfPageImage(pdf, 1, `official-coverage-${name}-p1`);
      pdfPageImage(pdf, 2, `official-coverage-${name}-p2`);
    }
  });

  it("gives a live announcement no cluster reported the clusters' cause, as an item's", async () => {
    const report = (
      await get(
        `/reports/communes/${GOOD}/reconciliation?from=2025-10-20&to=2025-10-20`,
        operator,
      ).expect(200)
    ).body as { lines: Record<string, unknown>[] };
    const lineOf = (item: ScheduleItem) =>
      report.lines.find((line) => line.scheduleItemId === item.id);
    expect(lineOf(heard)).toMatchObject({
      code: 'on-time',
      source: 'live',
      devicesTargeted: 2,
      devicesAired: 1,
    });
    expect(lineOf(unheard)).toMatchObject({
      code: 'missed',
      causeCode: 'devices-offline',
      source: 'live',
      devicesTargeted: 2,
      devicesAired: 0,
    });
  });
});

describe('official reports: numbers in the thousands (e2e)', () => {
  let storage: TestStorage;
  let app: TestApp;
  let monitor: string;
  const clock = new ManualClock('2025-11-10T03:00:00.000Z');
  /** Every day of October one 35-minute bulletin on the digital economy: 31 × 35 = 1085 minutes. */
  const DAILY_MS = 35 * 60_000;

  beforeAll(async () => {
    storage = await createTestStorage();
    app = await startTestApp(storage, {}, { clock });
    const admin = await app.login(ADMIN.username, ADMIN.password);
    monitor = await createUserAndLogin(app, admin, {
      username: 'giam-sat-thanh-hoa',
      role: 'monitor',
      provinceCode: PROVINCE,
    });
    const aired = (startedAt: string, spanMs: number): RecordInput => ({
      outcome: 'aired',
      title: 'Kinh tế số: đưa nông sản xứ Thanh lên sàn thương mại điện tử',
      topics: ['kinh-te-so'],
      startedAt,
      endedAt: new Date(Date.parse(startedAt) + spanMs).toISOString(),
    });
    // One minute in the month before: the campaign's airtime is 1085 times that, a change of +108400 %.
    const records = [
      aired(localInstant('2025-09-15', 6, 0), 60_000),
      ...OCTOBER.map((date) => aired(localInstant(date, 6, 0), DAILY_MS)),
    ];
    await app
      .http()
      .post(`/api/v1/communes/${GOOD}/playout-log/batch`)
      .set(bearer(admin))
      .send({ records })
      .expect(201);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await storage?.dispose();
  });

  it('groups thousands of minutes and percent with a dot in the PDF, as Vietnamese prose does', async () => {
    const json = (
      await app
        .http()
        .get(`/api/v1/reports/compliance?campaign=${CAMPAIGN}&province=${PROVINCE}`)
        .set(bearer(monitor))
        .expect(200)
    ).body as ComplianceJson;
    const row = json.rows.find((one) => one.communeCode === GOOD && one.topic === 'kinh-te-so');
    expect(row).toMatchObject({ airedSeconds: (OCTOBER.length * DAILY_MS) / 1000, plays: 31 });

    const response = await app
      .http()
      .get(`/api/v1/reports/official?campaign=${CAMPAIGN}&province=${PROVINCE}`)
      .set(bearer(monitor))
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = squeeze(pdfText(response.body as Buffer));
    // 1085 minutes and a change of (1085 − 1) / 1 = +108400 %, grouped as a person reads them.
    expect(text).toContain(
      'Tổng thời lượng chiến dịch: 1.085,0 phút; kỳ trước: 1,0 phút; thay đổi: +108.400,0%',
    );
    // The commune's cell in the table (its plays wrap below it) and its bar in the chart.
    expect(text).toMatch(
      /Phường Hạc Thành 0,0 \(0\) 1\.085,0 0,0 \(0\) 0,0 \(0\) 1\/4 0 \+108\.400,0% \(31\)/,
    );
    expect(text).toContain('Phường Hạc Thành 1.085,0 Phường Hàm Rồng 0,0');
    expect(text).not.toMatch(/1085,0|108400,0/);
    pdfPageImage(response.body as Buffer, 1, 'official-thousands-p1');
    pdfPageImage(response.body as Buffer, 2, 'official-thousands-p2');
  });
});
