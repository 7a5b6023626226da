import { Module } from '@nestjs/common';
import { AudioPipeline } from './audio-pipeline';
import { AudioProcessingService } from './audio-processing.service';
import { AudioProcessor } from './audio.processor';
import { MediaModule } from './media.module';

/** The `audio` queue's worker: the processing pipeline (worker role). */
@Module({
  imports: [MediaModule],
  providers: [AudioProcessor, AudioProcessingService, AudioPipeline],
})
export class MediaWorkerModule {}
