import { Module } from '@nestjs/common';
import { AudioPipeline } from './audio-pipeline';
import { AudioProcessingService } from './audio-processing.service';
import { AudioProcessor } from './audio.processor';
import { GainFinder } from './gain-finder';
import { MediaModule } from './media.module';
import { PipelineRunner } from './pipeline-runner';
import { WorkBudget } from './work-budget';

/** The `audio` queue's worker: the processing pipeline (worker role). */
@Module({
  imports: [MediaModule],
  providers: [
    AudioProcessor,
    AudioProcessingService,
    AudioPipeline,
    PipelineRunner,
    GainFinder,
    WorkBudget,
  ],
})
export class MediaWorkerModule {}
