import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { MediaWorkerModule } from '../media/media-worker.module';
import { demoFailureText } from './demo-failure';
import { DemoRemover } from './demo-remover';
import { DemoSeeder } from './demo-seeder';
import { removedText, seededText } from './demo-summary';
import { DEMO_COMMUNE_NAME } from './demo.constants';

/**
 * `npm run demo` / `npm run demo:remove`. Boots the application without HTTP, with the audio
 * worker only (so the synthesized bulletins get processed even when the service is not running,
 * and nothing is ever played from this process), against the configured database and Redis.
 */
@Module({})
class DemoCliModule {
  static register(): DynamicModule {
    return { module: DemoCliModule, imports: [AppModule.register(), MediaWorkerModule] };
  }
}

async function run(remove: boolean): Promise<void> {
  process.env.APP_ROLES = 'api';
  const app = await NestFactory.createApplicationContext(DemoCliModule.register(), {
    logger: ['error', 'warn'],
  });
  try {
    if (remove) {
      const remover = app.get(DemoRemover);
      if (!(await remover.present())) {
        console.log('Không có dữ liệu mẫu nào để xoá.');
        return;
      }
      const summary = await remover.remove(await app.get(DemoSeeder).admin());
      console.log(removedText(summary));
      if (summary.keptLogs.length > 0) {
        console.log(
          `Giữ lại nhật ký mẫu của xã ${summary.keptLogs.join(', ')}: đã có bản ghi thật nối sau trong chuỗi băm (nhật ký chỉ được ghi thêm, không được xoá).`,
        );
      }
      return;
    }
    if (await app.get(DemoRemover).present()) {
      console.error(
        'Đã có dữ liệu mẫu trong cơ sở dữ liệu. Xoá trước bằng lệnh: npm run demo:remove',
      );
      process.exitCode = 1;
      return;
    }
    console.log(
      `Đang tạo dữ liệu mẫu cho ${DEMO_COMMUNE_NAME} (tổng hợp giọng đọc mất khoảng một phút)…`,
    );
    const summary = await app.get(DemoSeeder).seed();
    console.log(seededText(summary));
    console.log('Xoá toàn bộ dữ liệu mẫu: npm run demo:remove');
  } finally {
    await app.close();
  }
}

run(process.argv.includes('--remove')).catch((error: unknown) => {
  console.error(demoFailureText(error) ?? error);
  process.exit(1);
});
