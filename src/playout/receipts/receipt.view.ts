export class ReceiptUploadResult {
  /** New receipts stored. */
  accepted!: number;
  /** Exact copies of receipts stored before (idempotent). */
  duplicates!: number;
  /** The device's last stored seq (0: none). */
  lastSeq!: number;
}
