import type { OfficialText } from './official-content';

/** The words of an official report (the numbers are never stored). */
export class OfficialTextView implements OfficialText {
  /** The body above the issuer (cơ quan chủ quản), e.g. "UBND TỈNH THANH HÓA". */
  parentBody!: string;
  /** The issuer (cơ quan ban hành), e.g. "SỞ KHOA HỌC VÀ CÔNG NGHỆ". */
  issuingBody!: string;
  /** Số và ký hiệu, written after "Số: " (blank number until the văn thư registers it). */
  documentNumber!: string;
  /** The place of the dateline. */
  place!: string;
  /** Trích yếu nội dung. */
  subject!: string;
  paragraphs!: string[];
  /** Nơi nhận, one line each. */
  recipients!: string[];
  /** Quyền hạn ký (e.g. "KT. GIÁM ĐỐC"); empty when the head signs. */
  signerAuthority!: string;
  signerTitle!: string;
  signerName!: string;
}

export class OfficialDraftView {
  id!: string;
  campaign!: string;
  province!: string;
  commune!: string | null;
  from!: string | null;
  to!: string | null;
  text!: OfficialTextView;
  createdAt!: string;
  updatedAt!: string;
}
