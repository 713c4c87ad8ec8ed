import { Injectable } from '@nestjs/common';

/**
 * Where the domain takes "now" from. Provided globally by the core module (`SystemClock`); tests
 * provide a clock they move (tests/support/test-clock.ts), so nothing waits for wall-clock time.
 * Statements that say `now()` in SQL still take the database's time.
 */
export abstract class Clock {
  abstract now(): Date;
}

/** The machine's clock. */
@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
