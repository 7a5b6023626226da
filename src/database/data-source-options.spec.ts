import { AppRole } from '../config/app-config';
import { SQLITE_PRAGMAS, sqlitePragmas } from './data-source-options';

const roles = (...names: AppRole[]) => new Set<AppRole>(names);

describe('sqlitePragmas', () => {
  it('gives a process that serves the API the 32 MiB page cache of the ingest', () => {
    expect(sqlitePragmas(roles('api'))).toEqual(SQLITE_PRAGMAS);
    expect(sqlitePragmas(roles('api', 'worker', 'scheduler'))).toEqual(SQLITE_PRAGMAS);
  });

  it('keeps the page cache of a worker or scheduler at 8 MiB, every other setting alike', () => {
    for (const process of [roles('worker'), roles('scheduler'), roles('worker', 'scheduler')]) {
      expect(sqlitePragmas(process)).toEqual(['cache_size = -8192', 'wal_autocheckpoint = 10000']);
    }
  });
});
