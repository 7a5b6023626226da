import { Module } from '@nestjs/common';
import { AudioAssetsRepository } from './audio-assets.repository';
import { AudioInspector } from './audio-inspector';
import { AudioQueue } from './audio-queue';
import { AudioUploadInterceptor } from './audio-upload.interceptor';
import { AudioUsage, BulletinAudioUsage } from './audio-usage';
import { FfmpegAdapter } from './ffmpeg.adapter';
import { MediaStorage } from './media-storage';
import { MediaController } from './media.controller';
import { MediaService } from './media.service';
import { ProcessRunner } from './process-runner';
import { ttsEngineProvider } from './tts/tts.providers';

/**
 * Audio assets over HTTP: upload, synthesis, listing, the rendition, deletion. Processing runs in
 * MediaWorkerModule (worker role); the reconciler in MediaSchedulerModule (scheduler role).
 */
@Module({
  controllers: [MediaController],
  providers: [
    MediaService,
    AudioAssetsRepository,
    AudioInspector,
    AudioQueue,
    AudioUploadInterceptor,
    MediaStorage,
    FfmpegAdapter,
    ProcessRunner,
    ttsEngineProvider,
    { provide: AudioUsage, useClass: BulletinAudioUsage },
  ],
  exports: [
    AudioAssetsRepository,
    AudioQueue,
    MediaStorage,
    FfmpegAdapter,
    ProcessRunner,
    MediaService,
  ],
})
export class MediaModule {}
