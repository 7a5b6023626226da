import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';

@Global()
@Module({})
export class CommonModule {
  /** `clock` replaces the system clock (tests that move time). */
  static register(clock?: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        clock ? { provide: Clock, useValue: clock } : { provide: Clock, useClass: SystemClock },
      ],
      exports: [Clock],
    };
  }
}
