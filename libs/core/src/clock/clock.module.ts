import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';

/** Provides `Clock` everywhere: the system clock unless another is given (or the provider is overridden in a test). */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock?: Clock): DynamicModule {
    return {
      module: ClockModule,
      providers: [clock ? { provide: Clock, useValue: clock } : { provide: Clock, useClass: SystemClock }],
      exports: [Clock],
    };
  }
}
