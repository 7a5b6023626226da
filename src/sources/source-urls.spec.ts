import { assertSafeSourceUrl, isInternalAddress } from './source-urls';

const resolvesTo =
  (table: Record<string, string[]>) =>
  (host: string): Promise<string[]> =>
    table[host] ? Promise.resolve(table[host]) : Promise.reject(new Error('ENOTFOUND'));

describe('relay source URLs (SSRF)', () => {
  const lookup = resolvesTo({
    'stream.vov.vn': ['203.162.0.10'],
    'sneaky.example': ['10.0.0.5'],
    'meta.example': ['169.254.169.254'],
    localhost: ['127.0.0.1'],
  });

  it('takes public http and https streams', async () => {
    await expect(assertSafeSourceUrl('https://stream.vov.vn/vov1.mp3', [], lookup)).resolves.toBe(
      'https://stream.vov.vn/vov1.mp3',
    );
    await expect(assertSafeSourceUrl('http://203.162.0.10:8000/live', [], lookup)).resolves.toBe(
      'http://203.162.0.10:8000/live',
    );
  });

  it.each([
    ['file:///etc/passwd', 'only http and https'],
    ['rtmp://stream.vov.vn/live', 'only http and https'],
    ['gopher://stream.vov.vn/', 'only http and https'],
    ['not a url', 'not a URL'],
    ['http://user:pw@stream.vov.vn/a', 'credentials'],
    ['http://127.0.0.1:8000/a', 'internal'],
    ['http://[::1]/a', 'internal'],
    ['http://[::ffff:127.0.0.1]/a', 'internal'],
    ['http://localhost/a', 'internal'],
    ['http://sneaky.example/a', 'internal'],
    ['http://meta.example/latest/meta-data', 'internal'],
    ['http://192.168.1.10/a', 'internal'],
    ['http://nowhere.example/a', 'does not resolve'],
  ])('refuses %s', async (url, why) => {
    await expect(assertSafeSourceUrl(url, [], lookup)).rejects.toThrow(why);
  });

  it('lets an allow-listed internal host through, by name or address', async () => {
    await expect(
      assertSafeSourceUrl('http://127.0.0.1:8000/a', ['127.0.0.1'], lookup),
    ).resolves.toBeDefined();
    await expect(
      assertSafeSourceUrl('http://localhost/a', ['localhost'], lookup),
    ).resolves.toBeDefined();
    await expect(
      assertSafeSourceUrl('http://localhost/a', ['127.0.0.1'], lookup),
    ).resolves.toBeDefined();
  });

  it('reads internal address ranges', () => {
    expect(isInternalAddress('100.64.1.1')).toBe(true);
    expect(isInternalAddress('172.20.0.1')).toBe(true);
    expect(isInternalAddress('fd00::1')).toBe(true);
    expect(isInternalAddress('8.8.8.8')).toBe(false);
    expect(isInternalAddress('203.0.113.10')).toBe(false);
    expect(isInternalAddress('::ffff:7f00:1')).toBe(true);
    expect(isInternalAddress('::ffff:808:808')).toBe(false);
    expect(isInternalAddress('2001:4860::8888')).toBe(false);
  });
});
