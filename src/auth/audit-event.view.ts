import { AuditEvent } from './entities/audit-event.entity';

/** An audit event as `GET /audit` gives it: where it happened named, as a person reads it. */
export class AuditEventView extends AuditEvent {
  /** "Phường Hạc Thành" for `communeCode` 14797; null without one (or a code no longer listed). */
  communeName!: string | null;
  /** "Tỉnh Thanh Hóa" for `provinceCode` 38 (or the commune's province), "Thành phố Hà Nội" for 01. */
  provinceName!: string | null;
}
