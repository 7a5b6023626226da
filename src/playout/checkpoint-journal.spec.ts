import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import {
  CheckpointJournal,
  journalLine,
  MAX_JOURNAL_LINE_BYTES,
  parseJournalLine,
} from './checkpoint-journal';
import { CheckpointView } from './checkpoint.view';

const checkpoint = (communeCode: string, seq: number, hash = 'a'.repeat(64)): CheckpointView => ({
  communeCode,
  seq,
  hash,
  signedAt: `2025-10-${String(seq).padStart(2, '0')}T17:00:00.000Z`,
  keyId: '0123456789abcdef',
  signature: Buffer.alloc(64, seq).toString('base64'),
});

describe('checkpoint journal', () => {
  let dir: string;
  let file: string;
  const journalAt = async (path = file) => {
    const journal = new CheckpointJournal({
      checkpoints: { keyFile: join(dir, 'key.pem'), journalFile: path, everyHours: 24 },
    } as AppConfig);
    await journal.onModuleInit();
    return journal;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loa-xa-journal-'));
    file = join(dir, 'keys', 'checkpoints.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one JSON line per checkpoint, fields in the served order, read back after a restart', async () => {
    const journal = await journalAt();
    expect(await journal.of('14797')).toEqual([]); // no file yet
    await journal.append(checkpoint('14797', 1));
    await journal.append(checkpoint('14758', 2));
    await journal.append(checkpoint('14797', 3));
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')[0]).toBe(
      `{"communeCode":"14797","seq":1,"hash":"${'a'.repeat(64)}","signedAt":"2025-10-01T17:00:00.000Z",` +
        `"keyId":"0123456789abcdef","signature":"${Buffer.alloc(64, 1).toString('base64')}"}`,
    );
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 1), checkpoint('14797', 3)]);

    const restarted = await journalAt();
    expect(await restarted.of('14797')).toEqual([checkpoint('14797', 1), checkpoint('14797', 3)]);
    expect(await restarted.of('14758')).toEqual([checkpoint('14758', 2)]);
    expect(await restarted.of('14812')).toEqual([]);
    expect(await restarted.ofEach(['14758', '14812'])).toEqual(
      new Map([
        ['14758', [checkpoint('14758', 2)]],
        ['14812', []],
      ]),
    );
  });

  it('sees what other instances sharing the file append, whole lines only, none lost', async () => {
    const instances = await Promise.all([journalAt(), journalAt(), journalAt(), journalAt()]);
    expect(await instances[0].of('14797')).toEqual([]);
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        instances[index % 4].append(checkpoint('14797', index + 1)),
      ),
    );
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    expect(lines.every((line) => parseJournalLine(line) !== null)).toBe(true);
    const read = await instances[0].of('14797');
    expect(read.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, index) => index + 1),
    );
  });

  it('leaves a line being written unread until its newline arrives', async () => {
    const journal = await journalAt();
    await journal.append(checkpoint('14797', 1));
    expect(await journal.of('14797')).toHaveLength(1);
    const line = journalLine(checkpoint('14797', 2));
    appendFileSync(file, line.slice(0, 40));
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 1)]);
    appendFileSync(file, line.slice(40));
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 1), checkpoint('14797', 2)]);
  });

  it('reads the file again when it is rewritten in place, shortened or replaced', async () => {
    const journal = await journalAt();
    await journal.append(checkpoint('14797', 1));
    await journal.append(checkpoint('14797', 2));
    expect(await journal.of('14797')).toHaveLength(2);

    // The same size, one hash changed: what a forger with access to the file does.
    const forged = readFileSync(file, 'utf8').replace('a'.repeat(64), 'b'.repeat(64));
    await new Promise((resolve) => setTimeout(resolve, 30)); // a new mtime, whatever the clock's step
    writeFileSync(file, forged);
    expect((await journal.of('14797')).map((entry) => entry.hash)).toEqual([
      'b'.repeat(64),
      'a'.repeat(64),
    ]);

    writeFileSync(file, journalLine(checkpoint('14797', 3)));
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 3)]);

    rmSync(file);
    expect(await journal.of('14797')).toEqual([]);
    await journal.append(checkpoint('14797', 4));
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 4)]);
  });

  it('skips lines that are no checkpoint, and recovers the one after a torn write', async () => {
    const journal = await journalAt();
    await journal.append(checkpoint('14797', 1));
    appendFileSync(file, 'not json\n\n{"communeCode":"14797","seq":"2"}\n{"communeCode":"147');
    await journal.append(checkpoint('14797', 3));
    expect(await journal.of('14797')).toEqual([checkpoint('14797', 1), checkpoint('14797', 3)]);
    expect(parseJournalLine('[1,2]')).toBeNull();
    expect(parseJournalLine('{"communeCode":"14797","seq":1.5}')).toBeNull();
  });

  it('refuses a line longer than an atomic append allows, and writes nothing', async () => {
    const journal = await journalAt();
    await expect(
      journal.append({ ...checkpoint('14797', 1), hash: 'c'.repeat(MAX_JOURNAL_LINE_BYTES) }),
    ).rejects.toThrow(/too long/);
    expect(await journal.of('14797')).toEqual([]);
  });
  it('forgets the lines of chains removed whole, and only those, for every reader', async () => {
    const journal = await journalAt();
    await journal.append(checkpoint('14797', 1));
    await journal.append(checkpoint('14758', 2));
    appendFileSync(file, 'not a checkpoint\n');
    await journal.append(checkpoint('14797', 3));
    const other = await journalAt();
    expect(await other.of('14797')).toHaveLength(2);

    await journal.forget(['14797']);
    expect(await journal.of('14797')).toEqual([]);
    expect(await other.of('14797')).toEqual([]);
    expect(await other.of('14758')).toEqual([checkpoint('14758', 2)]);
    expect(readFileSync(file, 'utf8')).toBe(
      journalLine(checkpoint('14758', 2)) + 'not a checkpoint\n',
    );
    await journal.forget(['14812']); // nothing of it: the file stays as it is
    await journal.append(checkpoint('14797', 1));
    expect(await other.of('14797')).toEqual([checkpoint('14797', 1)]);
  });
});
