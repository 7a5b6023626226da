import { createHmac } from 'node:crypto';
import {
  contentHash,
  idempotencyKey,
  signatureHeader,
  verifySignature,
} from './stats-push-signature';

const feed = {
  schemaVersion: 1,
  provinceCode: '38',
  communeCode: null,
  from: '2025-10-02',
  to: '2025-10-02',
  generatedAt: '2025-10-03T03:00:00.000Z',
  days: [],
};

describe('statistics push signature', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 of the secret, the timestamp in seconds', () => {
    const body = '{"schemaVersion":1}';
    const header = signatureHeader(body, 'bi-mat', new Date('2025-10-03T03:00:00.900Z'));
    const t = Date.parse('2025-10-03T03:00:00Z') / 1000;
    const mac = createHmac('sha256', 'bi-mat').update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${mac}`);
    expect(verifySignature(body, 'bi-mat', header)).toBe(true);
  });

  it('fails for another body, secret or a malformed header', () => {
    const header = signatureHeader('{}', 'bi-mat', new Date());
    expect(verifySignature('{ }', 'bi-mat', header)).toBe(false);
    expect(verifySignature('{}', 'khac', header)).toBe(false);
    expect(verifySignature('{}', 'bi-mat', 'v1=abc')).toBe(false);
    expect(verifySignature('{}', 'bi-mat', 't=1,v1=zz')).toBe(false);
  });

  it('hashes the numbers only: a later build of the same day hashes the same', () => {
    const later = { ...feed, generatedAt: '2025-10-04T00:00:00.000Z' };
    expect(contentHash(later)).toBe(contentHash(feed));
    expect(contentHash({ ...feed, to: '2025-10-03' })).not.toBe(contentHash(feed));
  });

  it('keys a revision by province, day and revision', () => {
    expect(idempotencyKey('38', '2025-10-02', 2)).toBe('38-2025-10-02-r2');
  });
});
