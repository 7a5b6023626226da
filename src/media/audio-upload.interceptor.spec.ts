import { MulterError } from 'multer';
import { DomainError } from '../common/domain-error';
import {
  declaredTooLarge,
  MULTIPART_OVERHEAD_BYTES,
  uploadError,
} from './audio-upload.interceptor';

describe('declaredTooLarge', () => {
  const limit = 3 * 1024 * 1024;

  it('refuses a declared body that cannot hold an acceptable upload', () => {
    expect(declaredTooLarge(String(2 * 1024 ** 3), limit)).toBe(true);
    expect(declaredTooLarge(String(limit + MULTIPART_OVERHEAD_BYTES + 1), limit)).toBe(true);
  });

  it('lets through what may fit, and chunked bodies (no length) to the streaming limit', () => {
    expect(declaredTooLarge(String(limit + MULTIPART_OVERHEAD_BYTES), limit)).toBe(false);
    expect(declaredTooLarge('1024', limit)).toBe(false);
    expect(declaredTooLarge(undefined, limit)).toBe(false);
    expect(declaredTooLarge('not a number', limit)).toBe(false);
  });
});

describe('uploadError', () => {
  it('turns the size limit into 413 PAYLOAD_TOO_LARGE with the limit', () => {
    const error = uploadError(new MulterError('LIMIT_FILE_SIZE', 'file'), 3 * 1024 * 1024);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: 'The file is larger than the upload limit of 3 MB',
    });
  });
});
