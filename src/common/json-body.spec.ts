import type { Request } from 'express';
import { PassThrough } from 'node:stream';
import { DomainError } from './domain-error';
import { JsonDepthScanner, readJsonBody } from './json-body';

/** A request stream with headers and Express's `is`, fed in chunks. */
function fakeRequest(chunks: string[], headers: Record<string, string> = {}): Request {
  const stream = new PassThrough();
  const request = Object.assign(stream, {
    headers: { 'content-type': 'application/json', ...headers },
    is: (type: string) => (type === 'application/json' ? type : false),
  }) as unknown as Request;
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return request;
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DomainError))
    throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

const LIMITS = { limitBytes: 1024, maxDepth: 4 };

describe('JsonDepthScanner', () => {
  it('counts objects and arrays, not brackets inside strings or after escaped quotes', () => {
    const scanner = new JsonDepthScanner(3);
    expect(() =>
      scanner.feed(Buffer.from('{"a":[1,"[[[{{{\\"[[[",{}],"b":"x\\\\"}')),
    ).not.toThrow();
  });

  it('refuses nesting past the bound, even split across chunks', () => {
    const scanner = new JsonDepthScanner(3);
    scanner.feed(Buffer.from('[[['));
    expect(() => scanner.feed(Buffer.from('['))).toThrow(/deeper than 3 levels/);
  });

  it('stops at the first byte too deep of a body nested two million levels', () => {
    const scanner = new JsonDepthScanner(32);
    const started = process.hrtime.bigint();
    expect(() => scanner.feed(Buffer.from('['.repeat(2_000_000)))).toThrow(
      expect.objectContaining({ code: 'JSON_TOO_DEEP' }) as Error,
    );
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });
});

describe('readJsonBody', () => {
  it('parses a body within the limits, whatever its chunks', async () => {
    await expect(readJsonBody(fakeRequest(['{"user', 'name":"á"}']), LIMITS)).resolves.toEqual({
      username: 'á',
    });
  });

  it('refuses a declared length over the limit before reading', async () => {
    const request = fakeRequest(['{}'], { 'content-length': '5000' });
    const error = await refusal(readJsonBody(request, LIMITS));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(request.readableEnded).toBe(false);
  });

  it('stops reading past the limit when no length is declared', async () => {
    const error = await refusal(
      readJsonBody(fakeRequest(['{"a":"', 'x'.repeat(2000), '"}']), LIMITS),
    );
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.details).toEqual({ limitBytes: 1024 });
  });

  it('refuses deep nesting, malformed JSON, scalars, other charsets and compression', async () => {
    expect((await refusal(readJsonBody(fakeRequest(['{"a":[[[[1]]]]}']), LIMITS))).code).toBe(
      'JSON_TOO_DEEP',
    );
    expect((await refusal(readJsonBody(fakeRequest(['{"a":']), LIMITS))).code).toBe(
      'MALFORMED_JSON',
    );
    expect((await refusal(readJsonBody(fakeRequest(['"text"']), LIMITS))).code).toBe(
      'MALFORMED_JSON',
    );
    const latin1 = fakeRequest(['{}'], { 'content-type': 'application/json; charset=latin1' });
    expect((await refusal(readJsonBody(latin1, LIMITS))).code).toBe('UNSUPPORTED_MEDIA');
    const gzip = fakeRequest(['{}'], { 'content-encoding': 'gzip' });
    expect((await refusal(readJsonBody(gzip, LIMITS))).code).toBe('UNSUPPORTED_MEDIA');
  });

  it('leaves an empty body undefined', async () => {
    await expect(readJsonBody(fakeRequest([' \n']), LIMITS)).resolves.toBeUndefined();
  });
});
