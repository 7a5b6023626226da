import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets';
import { WebController } from './web.controller';

/** Serves the operators' and monitors' web app (Vietnamese), which only talks to the API. */
@Module({
  controllers: [WebController],
  providers: [WebAssets],
})
export class WebModule {}
