import { prefersMinimalReturn } from './prefer';

describe('prefersMinimalReturn', () => {
  it('reads return=minimal alone, among other preferences, in any case of the name', () => {
    expect(prefersMinimalReturn('return=minimal')).toBe(true);
    expect(prefersMinimalReturn('respond-async, wait=10, return=minimal')).toBe(true);
    expect(prefersMinimalReturn('RETURN = minimal; foo="a,b"')).toBe(true);
    expect(prefersMinimalReturn('return="minimal"')).toBe(true);
    expect(prefersMinimalReturn(['wait=5', 'return=minimal'])).toBe(true);
  });

  it('is false without the header, for return=representation, and for other values', () => {
    expect(prefersMinimalReturn(undefined)).toBe(false);
    expect(prefersMinimalReturn('')).toBe(false);
    expect(prefersMinimalReturn('return=representation')).toBe(false);
    expect(prefersMinimalReturn('return=MINIMAL')).toBe(false);
    expect(prefersMinimalReturn('return')).toBe(false);
    expect(prefersMinimalReturn('returns=minimal')).toBe(false);
  });

  it('takes the first of a preference given twice', () => {
    expect(prefersMinimalReturn('return=representation, return=minimal')).toBe(false);
    expect(prefersMinimalReturn('return=minimal, return=representation')).toBe(true);
  });

  it('does not cut at commas or semicolons inside quoted strings', () => {
    expect(prefersMinimalReturn('foo="x, return=minimal"')).toBe(false);
    expect(prefersMinimalReturn('foo="a\\",b", return=minimal')).toBe(true);
    expect(prefersMinimalReturn('foo; bar="return=minimal"')).toBe(false);
  });
});
