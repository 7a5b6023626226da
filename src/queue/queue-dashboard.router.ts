import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';

const BOARD_TITLE = 'Loa xã: hàng đợi';

/**
 * bull-board's Express router, built on the first request that passed the admin check and kept:
 * bull-board with what it brings (lodash, valibot, ejs) held ~3 MB of heap in every process that
 * serves the API, most of which never opens the dashboard (BENCHMARKS.md, Memory).
 */
export function lazyQueueDashboard(queues: () => Queue[], basePath: string): RequestHandler {
  let router: Promise<RequestHandler> | null = null;
  return (request, response, next) => {
    router ??= createQueueDashboard(queues(), basePath).catch((error: unknown) => {
      router = null; // the next request tries again
      throw error;
    });
    router.then((handle) => handle(request, response, next), next);
  };
}

async function createQueueDashboard(queues: Queue[], basePath: string): Promise<RequestHandler> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/express 9.10.1 types its own nested @bull-board/api (9.10.1) while the board
    // is 9.10.2: the classes match at run time, not to the type checker.
    serverAdapter: serverAdapter as unknown as Parameters<
      typeof createBullBoard
    >[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: BOARD_TITLE } },
  });
  return serverAdapter.getRouter() as RequestHandler;
}
