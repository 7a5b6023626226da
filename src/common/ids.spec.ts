import { ParseUUIDPipe } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { newId } from './ids';

describe('newId', () => {
  it('is a UUID version 7 with the RFC 9562 variant, accepted by the routes and DTOs', async () => {
    const id = newId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUID(id)).toBe(true);
    await expect(new ParseUUIDPipe().transform(id, { type: 'param' })).resolves.toBe(id);
  });

  it('carries the time in its first 48 bits, so later ids sort later', () => {
    const at = Date.UTC(2025, 9, 1, 5, 30, 0, 123);
    const id = newId(at);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const ids = [newId(at + 2), newId(at), newId(at + 1), newId(at + 1000)];
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
  });

  it('does not repeat', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 10000 }, () => newId(at)));
    expect(ids.size).toBe(10000);
  });
});
