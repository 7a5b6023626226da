import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AppSetting } from './app-setting.entity';
import { dataSourceOptions } from './data-source-options';
import { Db } from './db.service';
import { SettingsService } from './settings.service';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.database),
    }),
    TypeOrmModule.forFeature([AppSetting]),
  ],
  providers: [Db, SettingsService],
  exports: [Db, SettingsService],
})
export class DatabaseModule {}
