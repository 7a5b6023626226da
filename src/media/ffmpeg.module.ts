import { Global, Module } from '@nestjs/common';
import { FfmpegBinaries } from './ffmpeg-binaries';

@Global()
@Module({
  providers: [FfmpegBinaries],
  exports: [FfmpegBinaries],
})
export class FfmpegModule {}
