import { loadConfig } from '../config/load-config';
import { HASH_WORKER_IDLE_MS, PasswordHasher } from './password-hasher';

function hasher(env: Record<string, string> = {}): PasswordHasher {
  return new PasswordHasher(loadConfig({ PASSWORD_SCRYPT_COST: '10', ...env }, '/tmp'));
}

describe('password hasher', () => {
  const pool = hasher();
  afterAll(() => pool.onModuleDestroy());

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await pool.hash('mật-khẩu-đúng');
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$/);
    await expect(pool.verify('mật-khẩu-đúng', hash)).resolves.toBe(true);
    await expect(pool.verify('mật-khẩu-sai', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await pool.hash('same')).not.toBe(await pool.hash('same'));
  });

  it('offers a hash of the configured cost that no password matches, for unknown usernames', async () => {
    expect(pool.unknownUserHash).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(hasher().unknownUserHash).not.toBe(pool.unknownUserHash);
    await expect(pool.verify('', pool.unknownUserHash)).resolves.toBe(false);
  });

  it('refuses stored strings of another scheme', async () => {
    await expect(pool.verify('x', 'bcrypt$abc')).resolves.toBe(false);
  });

  it('runs on its own workers, queues a bounded number and refuses the rest at once', async () => {
    const small = hasher({
      PASSWORD_SCRYPT_COST: '16',
      PASSWORD_HASH_WORKERS: '1',
      PASSWORD_HASH_QUEUE: '2',
    });
    try {
      const attempts = Array.from({ length: 6 }, (_, index) =>
        small.hash(`p${index}`).then(
          () => 'hashed',
          (error: { code?: string }) => error.code,
        ),
      );
      expect(small.load).toBe(3);
      const outcomes = await Promise.all(attempts);
      expect(outcomes).toEqual([
        'hashed',
        'hashed',
        'hashed',
        'PASSWORD_HASHER_BUSY',
        'PASSWORD_HASHER_BUSY',
        'PASSWORD_HASHER_BUSY',
      ]);
      expect(small.load).toBe(0);
    } finally {
      await small.onModuleDestroy();
    }
  });

  it('ends a worker that has been idle a while, and starts one again for the next hash', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const idle = hasher({ PASSWORD_HASH_WORKERS: '1' });
    try {
      const hash = await idle.hash('mật-khẩu');
      expect(idle.workers).toBe(1);
      jest.advanceTimersByTime(HASH_WORKER_IDLE_MS - 1);
      expect(idle.workers).toBe(1);
      jest.advanceTimersByTime(1);
      expect(idle.workers).toBe(0);
      await expect(idle.verify('mật-khẩu', hash)).resolves.toBe(true);
      expect(idle.workers).toBe(1);
    } finally {
      jest.useRealTimers();
      await idle.onModuleDestroy();
    }
  });
});
