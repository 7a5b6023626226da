import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../src/app.factory';
import { ManualClock } from '../src/common/manual-clock';
import { Env } from '../src/config/load-config';
import { GeoService } from '../src/geo/geo.service';
import { PlayoutLogService } from '../src/playout/playout-log.service';
import { answerRuns } from './bench-support';

/**
 * The measured process of the single-posts benchmark (bench/posts.bench.ts): the service's API,
 * forked with the node options and environment of `npm start` (scripts/start.js), so that a post
 * is taken as the deployed service takes it (its young generation included), and its CPU is
 * its own. It answers, one at a time:
 * - `start`: the service on a free loopback port, its clock at `now`; gives the origin and the
 *   communes of `province`;
 * - `cpu`: the CPU the process has used so far (user and system, µs);
 * - `check`: how many records have an idempotency key starting with `keyPrefix`, and how many
 *   of `communes`' chains do not verify.
 */
export type PostsServiceAsk =
  | { type: 'start'; env: Env; now: string; province: string }
  | { type: 'cpu' }
  | { type: 'check'; keyPrefix: string; communes: string[] };

export type PostsServiceAnswer =
  | { type: 'start'; origin: string; communes: string[] }
  | { type: 'cpu'; micros: number }
  | { type: 'check'; stored: number; broken: number };

let app: NestExpressApplication | undefined;

function started(): NestExpressApplication {
  if (!app) throw new Error('The service is not started');
  return app;
}

async function answer(ask: PostsServiceAsk): Promise<PostsServiceAnswer> {
  switch (ask.type) {
    case 'start': {
      app = await createHttpApp({ env: ask.env, clock: new ManualClock(ask.now) });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const communes = app
        .get(GeoService)
        .communesOf(ask.province)
        .map((commune) => commune.code);
      return { type: 'start', origin: `http://127.0.0.1:${port}`, communes };
    }
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return { type: 'cpu', micros: user + system };
    }
    case 'check': {
      const service = started();
      const [{ stored }] = await service
        .get(DataSource)
        .query<{ stored: number }[]>(
          'SELECT COUNT(*) AS stored FROM playout_record WHERE idempotency_key LIKE ?',
          [`${ask.keyPrefix}%`],
        );
      const log = service.get(PlayoutLogService);
      let broken = 0;
      for (const commune of ask.communes) {
        if (!(await log.verify(commune)).ok) broken += 1;
      }
      return { type: 'check', stored: Number(stored), broken };
    }
  }
}

answerRuns(answer, async () => {
  await app?.close();
});
