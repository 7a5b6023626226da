import { Module } from '@nestjs/common';
import { AudioReconciler } from './audio-reconciler';
import { MediaModule } from './media.module';

/** Keeps the `audio` queue in step with the database (scheduler role). */
@Module({
  imports: [MediaModule],
  providers: [AudioReconciler],
})
export class MediaSchedulerModule {}
