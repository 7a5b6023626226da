import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type PDFDocument from 'pdfkit';
import { formatViDate } from '../../common/local-time';
import { viNumber } from '../../common/vi-number';
import { chainStatusText, OfficialCommune, OfficialReportModel } from './official-content';
import {
  airedMinutesNumber,
  datelineText,
  minutesText,
  percentText,
  rangeTargetText,
  shareText,
  targetMinutesText,
  targetPlaysText,
} from './official-format';

const FONT_FILES = {
  serif: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italic: 'LiberationSerif-Italic.ttf',
  boldItalic: 'LiberationSerif-BoldItalic.ttf',
  mono: 'LiberationMono-Regular.ttf',
} as const;
type FontName = keyof typeof FONT_FILES;
/** The faces the report's words are set in (mono sets only the hashes). */
export const WORD_FONT_FILES = [
  FONT_FILES.serif,
  FONT_FILES.bold,
  FONT_FILES.italic,
  FONT_FILES.boldItalic,
] as const;

/** The folder holding every font the report uses, the first of `dirs` that has them all. */
export function findFontDir(dirs: readonly string[]): string {
  const found = dirs.find((dir) =>
    Object.values(FONT_FILES).every((file) => existsSync(join(dir, file))),
  );
  if (!found) {
    throw new Error(
      `Liberation Serif and Mono not found in ${dirs.join(', ')} (Debian: apt-get install fonts-liberation2)`,
    );
  }
  return found;
}

const MM = 72 / 25.4;
/** A4 with the margins of Nghị định 30/2020/NĐ-CP (top and bottom 20 mm, left 30, right 15). */
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const BODY_SIZE = 13;
const TABLE_SIZE = 10;
/**
 * The header's two blocks (NĐ 30, Phụ lục I): the right one is as wide as the quốc hiệu needs
 * (12 pt bold, with a little air), the left one takes the rest less a gutter, so that a long
 * issuer's name wraps onto a second line instead of running into the quốc hiệu.
 */
const HEADER_SIZE = 12;
const HEADER_GUTTER = 6 * MM;
const HEADER_SIDE_AIR = 2 * MM;
const NATIONAL_TITLE = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
const MOTTO = 'Độc lập - Tự do - Hạnh phúc';
const BAR_COLOR = '#2f5597';
const MARK_COLOR = '#c00000';

export interface PdfOptions {
  fontDir: string;
  /** Called before the document ends, e.g. to add a signature placeholder. */
  beforeEnd?: (doc: PDFKit.PDFDocument) => void;
}

/** pdfkit, loaded by the first official report rather than at start-up (~0.2 s of loading). */
function loadPdfKit(): typeof PDFDocument {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pdfkit') as typeof PDFDocument;
}

/** Renders an official report as an A4 PDF with Liberation Serif embedded (subsets). */
export function renderOfficialPdf(
  model: OfficialReportModel,
  options: PdfOptions,
): Promise<Buffer> {
  const doc = new (loadPdfKit())({
    size: 'A4',
    margins: MARGINS,
    bufferPages: true,
    info: { Title: model.text.subject, Author: model.text.issuingBody, Subject: 'Báo cáo' },
    lang: 'vi-VN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const [name, file] of Object.entries(FONT_FILES)) {
    doc.registerFont(name, join(options.fontDir, file));
  }
  new OfficialPdf(doc, model).write();
  options.beforeEnd?.(doc);
  doc.end();
  return done;
}

class OfficialPdf {
  private readonly width: number;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly model: OfficialReportModel,
  ) {
    this.width = doc.page.width - MARGINS.left - MARGINS.right;
  }

  write(): void {
    this.header();
    this.title();
    this.body();
    this.closing();
    this.pageNumbers();
  }

  private use(font: FontName, size: number): PDFKit.PDFDocument {
    return this.doc.font(font).fontSize(size).fillColor('black');
  }

  /**
   * Two blocks: cơ quan chủ quản, cơ quan ban hành and số/ký hiệu on the left; quốc hiệu, tiêu ngữ
   * and the dateline on the right. The số line and the dateline share one baseline (NĐ 30).
   */
  private header(): void {
    const { doc, model } = this;
    const top = MARGINS.top;
    const left = MARGINS.left;
    this.use('bold', HEADER_SIZE);
    const rightWidth = doc.widthOfString(NATIONAL_TITLE) + 2 * HEADER_SIDE_AIR;
    const leftWidth = this.width - rightWidth - HEADER_GUTTER;
    const rightX = left + this.width - rightWidth;
    const centered = { width: leftWidth, align: 'center' as const };

    this.use('serif', HEADER_SIZE).text(model.text.parentBody, left, top, centered);
    this.use('bold', HEADER_SIZE).text(model.text.issuingBody, left, doc.y, centered);
    const leftRule = doc.y + 4;
    this.rule(left + leftWidth / 2, leftRule, leftWidth / 3);

    const right = { width: rightWidth, align: 'center' as const };
    this.use('bold', HEADER_SIZE).text(NATIONAL_TITLE, rightX, top, right);
    this.use('bold', 13).text(MOTTO, rightX, doc.y, right);
    const mottoWidth = doc.widthOfString(MOTTO);
    const rightRule = doc.y + 4;
    this.rule(rightX + rightWidth / 2, rightRule, mottoWidth);

    const lineY = Math.max(leftRule, rightRule) + 10;
    this.use('serif', 13).text(`Số: ${model.text.documentNumber}`, left, lineY, centered);
    const leftBottom = doc.y;
    this.use('italic', 13).text(
      datelineText(model.text.place, model.issuedOn),
      rightX,
      lineY,
      right,
    );
    doc.x = left;
    doc.y = Math.max(leftBottom, doc.y) + 24;
  }

  private title(): void {
    const { doc } = this;
    const full = { width: this.width, align: 'center' as const };
    this.use('bold', 14).text('BÁO CÁO', MARGINS.left, doc.y, full);
    this.use('bold', 14).text(this.model.text.subject, MARGINS.left, doc.y, full);
    this.rule(MARGINS.left + this.width / 2, doc.y + 3, 60);
    doc.y += 16;
  }

  private body(): void {
    const { numbers, text } = this.model;
    for (const paragraph of text.paragraphs) this.paragraph(paragraph);

    this.heading('1. Chỉ tiêu của chiến dịch');
    this.paragraph(
      `Chiến dịch: ${numbers.campaignName} (mã ${numbers.campaignCode}). Kỳ báo cáo từ ngày ${formatViDate(numbers.from)} đến ngày ${formatViDate(numbers.to)} (${viNumber(numbers.days)} ngày); thời lượng tối thiểu mỗi ngày: ${minutesText(numbers.minDailySeconds, 'up')}.`,
    );
    this.table(
      [
        { title: 'Chủ đề', width: 0.34 },
        { title: 'Tối thiểu mỗi tuần', width: 0.22 },
        { title: 'Lượt mỗi tuần', width: 0.14 },
        { title: 'Chỉ tiêu cả kỳ', width: 0.3 },
      ],
      numbers.targets.map((target) => [
        target.topicName,
        targetMinutesText(target.minSecondsPerWeek),
        targetPlaysText(target.minPlaysPerWeek),
        rangeTargetText(target.requiredSeconds, target.requiredPlays),
      ]),
    );

    this.heading('2. Thời lượng phát theo chủ đề, mức đạt và số ngày dưới mức tối thiểu');
    const met = numbers.communes.filter((commune) => commune.topicsMet === commune.topicsRequired);
    this.paragraph(
      `${viNumber(met.length)}/${viNumber(numbers.communes.length)} xã, phường đạt mọi chỉ tiêu. Mỗi ô ghi số phút đã phát và số lượt (trong ngoặc); cột "Tăng" so sánh với ${viNumber(numbers.days)} ngày liền trước (từ ${formatViDate(numbers.baselineFrom)} đến ${formatViDate(numbers.baselineTo)}).`,
    );
    const topicShare = 0.44 / Math.max(1, numbers.targets.length);
    // Each cell's minutes beside its topic's target over the range (table 1).
    const requiredSeconds = new Map(
      numbers.targets.map((target) => [target.topic, target.requiredSeconds]),
    );
    this.table(
      [
        { title: 'Xã, phường', width: 0.24 },
        ...numbers.targets.map((target) => ({
          title: `${target.topicName} (phút)`,
          width: topicShare,
        })),
        { title: 'Đạt', width: 0.08 },
        { title: 'Ngày dưới mức', width: 0.11 },
        { title: 'Tăng', width: 0.13 },
      ],
      numbers.communes.map((commune) => [
        commune.name,
        ...commune.topics.map(
          (cell) =>
            `${airedMinutesNumber(cell.airedSeconds, requiredSeconds.get(cell.topic) ?? 0)} (${viNumber(cell.plays)})`,
        ),
        `${viNumber(commune.topicsMet)}/${viNumber(commune.topicsRequired)}`,
        viNumber(commune.daysBelowMinimum),
        percentText(commune.uplift.changePercent),
      ]),
    );
    this.paragraph(
      `Tổng thời lượng chiến dịch: ${minutesText(numbers.uplift.airedSeconds)}; kỳ trước: ${minutesText(numbers.uplift.baselineSeconds)}; thay đổi: ${percentText(numbers.uplift.changePercent)} (${viNumber(numbers.uplift.communesUp)} xã, phường tăng, ${viNumber(numbers.uplift.communesDown)} giảm, ${viNumber(numbers.uplift.communesUnchanged)} không đổi).`,
    );

    const bars = this.chartBars(numbers.communes);
    this.ensureRoom(chartHeight(bars) + 40);
    this.heading('3. Biểu đồ thời lượng chiến dịch');
    this.chart(bars);

    this.coverage(numbers.communes);

    this.heading('5. Tình trạng nhật ký phát thanh (chuỗi băm)');
    const withLog = numbers.communes.filter((commune) => commune.head && commune.head.seq > 0);
    this.paragraph(
      'Mỗi xã, phường giữ một nhật ký phát chỉ ghi thêm, các bản ghi nối nhau bằng mã băm SHA-256. Bảng ghi bản ghi cuối cùng mà báo cáo này bao gồm; có thể đối chiếu với bản xuất nhật ký của xã.',
    );
    this.table(
      [
        { title: 'Xã, phường', width: 0.22 },
        { title: 'Trạng thái', width: 0.14 },
        { title: 'Bản ghi cuối', width: 0.08 },
        { title: 'Mã băm bản ghi cuối (SHA-256)', width: 0.56, mono: true },
      ],
      withLog.map((commune) => [
        commune.name,
        chainStatusText(commune.chain, commune.head),
        // A record's number (seq), as the log and its exports write it: an identifier, not grouped.
        String(commune.head?.seq ?? 0),
        commune.head?.hash ?? '',
      ]),
    );
    const without = numbers.communes.length - withLog.length;
    if (without > 0) {
      this.paragraph(`${viNumber(without)} xã, phường còn lại chưa có nhật ký phát thanh.`);
    }
  }

  /** Per commune with clusters: items sent to its clusters (one per item and cluster) and aired whole. */
  private coverage(communes: readonly OfficialCommune[]): void {
    this.heading('4. Độ phủ của cụm loa (theo biên nhận của cụm thu phát)');
    const withDevices = communes.filter((commune) => commune.coverage.targeted > 0);
    const without = communes.length - withDevices.length;
    if (withDevices.length === 0) {
      this.paragraph(
        'Chưa xã, phường nào có cụm thu phát gửi biên nhận trong kỳ báo cáo; thời lượng tính theo nhật ký của máy chủ.',
      );
      return;
    }
    this.paragraph(
      'Mỗi lượt là một bản tin gửi đến một cụm thu phát thanh ứng dụng CNTT-VT; "phát đủ" là lượt mà cụm đã phát trọn bản tin theo biên nhận có chữ ký của cụm.',
    );
    this.table(
      [
        { title: 'Xã, phường', width: 0.4 },
        { title: 'Lượt gửi đến cụm loa', width: 0.2 },
        { title: 'Lượt phát đủ', width: 0.2 },
        { title: 'Tỷ lệ phát đủ', width: 0.2 },
      ],
      withDevices.map((commune) => [
        commune.name,
        viNumber(commune.coverage.targeted),
        viNumber(commune.coverage.aired),
        shareText(commune.coverage.percent),
      ]),
    );
    if (without > 0) {
      this.paragraph(
        `${viNumber(without)} xã, phường còn lại chưa có cụm loa gửi biên nhận; thời lượng của các xã, phường này tính theo nhật ký của máy chủ.`,
      );
    }
  }

  private closing(): void {
    const { doc, model } = this;
    const blockHeight = 150;
    if (doc.y + blockHeight > doc.page.height - MARGINS.bottom) doc.addPage();
    const top = doc.y + 12;
    const leftWidth = this.width * 0.48;
    this.use('boldItalic', 12).text('Nơi nhận:', MARGINS.left, top, { width: leftWidth });
    for (const recipient of model.text.recipients) {
      this.use('serif', 11).text(`- ${recipient}`, MARGINS.left, doc.y, { width: leftWidth });
    }
    const signX = MARGINS.left + leftWidth;
    const signWidth = this.width - leftWidth;
    const centered = { width: signWidth, align: 'center' as const };
    doc.y = top;
    if (model.text.signerAuthority) {
      this.use('bold', 13.5).text(model.text.signerAuthority, signX, doc.y, centered);
    }
    this.use('bold', 13.5).text(model.text.signerTitle, signX, doc.y, centered);
    doc.y += 60;
    this.use('bold', 13.5).text(model.text.signerName || ' ', signX, doc.y, centered);
  }

  /** Page numbers from the second page on, centred in the top margin (NĐ 30). */
  private pageNumbers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let index = 1; index < range.count; index += 1) {
      doc.switchToPage(range.start + index);
      const margin = doc.page.margins.top;
      doc.page.margins.top = 0;
      this.use('serif', 13).text(String(index + 1), MARGINS.left, 8 * MM, {
        width: this.width,
        align: 'center',
      });
      doc.page.margins.top = margin;
    }
  }

  private heading(text: string): void {
    this.ensureRoom(60);
    this.use('bold', BODY_SIZE).text(text, MARGINS.left, this.doc.y + 4, { width: this.width });
    this.doc.y += 4;
  }

  private paragraph(text: string): void {
    this.use('serif', BODY_SIZE).text(text, MARGINS.left, this.doc.y, {
      width: this.width,
      align: 'justify',
      indent: 10 * MM,
      lineGap: 2,
      paragraphGap: 6,
    });
  }

  private rule(centerX: number, y: number, length: number): void {
    this.doc
      .moveTo(centerX - length / 2, y)
      .lineTo(centerX + length / 2, y)
      .lineWidth(0.7)
      .strokeColor('black')
      .stroke();
  }

  private ensureRoom(height: number): void {
    if (this.doc.y + height > this.doc.page.height - MARGINS.bottom) this.doc.addPage();
  }

  /** A ruled table; the header row is repeated on each new page. */
  private table(columns: TableColumn[], rows: string[][]): void {
    const { doc } = this;
    const widths = columns.map((column) => column.width * this.width);
    const pad = 3;
    const sizeOf = (font: FontName): number => (font === 'mono' ? 6.5 : TABLE_SIZE);
    const cellHeight = (cells: string[], font: (index: number) => FontName): number =>
      Math.max(
        ...cells.map((cell, index) => {
          this.use(font(index), sizeOf(font(index)));
          return doc.heightOfString(cell, { width: widths[index] - 2 * pad });
        }),
      ) +
      2 * pad;
    const drawRow = (cells: string[], font: (index: number) => FontName, fill?: string): void => {
      const height = cellHeight(cells, font);
      const y = doc.y;
      let x = MARGINS.left;
      cells.forEach((cell, index) => {
        if (fill) doc.rect(x, y, widths[index], height).fill(fill);
        doc.rect(x, y, widths[index], height).lineWidth(0.5).strokeColor('black').stroke();
        this.use(font(index), sizeOf(font(index))).text(cell, x + pad, y + pad, {
          width: widths[index] - 2 * pad,
          align: index === 0 ? 'left' : 'center',
          lineBreak: true,
        });
        x += widths[index];
      });
      doc.x = MARGINS.left;
      doc.y = y + height;
    };
    const titles = columns.map((column) => column.title);
    const headerFont = (): FontName => 'bold';
    const bodyFont = (index: number): FontName => (columns[index].mono ? 'mono' : 'serif');
    this.ensureRoom(cellHeight(titles, headerFont) + 20);
    drawRow(titles, headerFont, '#e7e6e6');
    for (const row of rows) {
      if (doc.y + cellHeight(row, bodyFont) > doc.page.height - MARGINS.bottom) {
        doc.addPage();
        drawRow(titles, headerFont, '#e7e6e6');
      }
      drawRow(row, bodyFont);
    }
    doc.y += 8;
  }

  /**
   * Horizontal bars of campaign minutes, drawn as vector paths: per commune for a province
   * (the 15 with most airtime), per topic against its target for a commune.
   */
  private chartBars(communes: readonly OfficialCommune[]): ChartBar[] {
    const { model } = this;
    return model.numbers.scope === 'commune'
      ? model.numbers.targets.map((target) => ({
          label: target.topicName,
          seconds:
            communes[0]?.topics.find((cell) => cell.topic === target.topic)?.airedSeconds ?? 0,
          markSeconds: target.requiredSeconds,
        }))
      : [...communes]
          .sort((a, b) => b.campaignSeconds - a.campaignSeconds)
          .slice(0, 15)
          .map((commune) => ({
            label: commune.name,
            seconds: commune.campaignSeconds,
            markSeconds: model.numbers.minDailySeconds * model.numbers.days,
          }));
  }

  private chart(bars: readonly ChartBar[]): void {
    const { doc, model } = this;
    const labelWidth = this.width * 0.3;
    const plotWidth = this.width - labelWidth - 60;
    this.ensureRoom(chartHeight(bars));
    const max = Math.max(1, ...bars.map((bar) => Math.max(bar.seconds, bar.markSeconds)));
    const plotX = MARGINS.left + labelWidth;
    const top = doc.y + 4;
    bars.forEach((bar, index) => {
      const y = top + index * (BAR_HEIGHT + BAR_GAP);
      this.use('serif', 9).text(bar.label, MARGINS.left, y + 2, {
        width: labelWidth - 6,
        align: 'right',
        lineBreak: false,
        ellipsis: true,
      });
      const length = (bar.seconds / max) * plotWidth;
      if (length > 0) doc.rect(plotX, y, length, BAR_HEIGHT).fill(BAR_COLOR);
      const markX = plotX + (bar.markSeconds / max) * plotWidth;
      doc
        .moveTo(markX, y - 1)
        .lineTo(markX, y + BAR_HEIGHT + 1)
        .lineWidth(1.5)
        .strokeColor(MARK_COLOR)
        .stroke();
      this.use('serif', 9).text(
        airedMinutesNumber(bar.seconds, bar.markSeconds),
        plotX + length + 4,
        y + 2,
        {
          lineBreak: false,
        },
      );
    });
    const axisY = top + bars.length * (BAR_HEIGHT + BAR_GAP);
    doc
      .moveTo(plotX, top - 2)
      .lineTo(plotX, axisY)
      .lineWidth(0.7)
      .strokeColor('black')
      .stroke();
    const legend =
      model.numbers.scope === 'commune'
        ? 'Cột: số phút đã phát; vạch đỏ: chỉ tiêu cả kỳ của chủ đề.'
        : 'Cột: số phút chiến dịch đã phát (15 xã, phường phát nhiều nhất); vạch đỏ: mức tối thiểu cả kỳ.';
    this.use('italic', 10).text(legend, MARGINS.left, axisY + 6, {
      width: this.width,
      align: 'center',
    });
    doc.y += 8;
  }
}

interface TableColumn {
  title: string;
  /** Share of the text width. */
  width: number;
  /** Liberation Mono, small enough for a SHA-256 in hex on one line. */
  mono?: boolean;
}

const BAR_HEIGHT = 12;
const BAR_GAP = 5;

function chartHeight(bars: readonly ChartBar[]): number {
  return bars.length * (BAR_HEIGHT + BAR_GAP) + 40;
}

interface ChartBar {
  label: string;
  seconds: number;
  markSeconds: number;
}
