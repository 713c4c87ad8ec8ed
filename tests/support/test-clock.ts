import { DateTime, Duration } from 'luxon';
import { Clock } from '../../libs/core/src/clock/clock.js';

/**
 * A clock a test moves: it stands still until `set` or `advance` moves it, so "when the clock
 * reaches the due date" is a line of a test, not a sleep. Provide it in place of the system clock
 * (`overrideProvider(Clock).useValue(clock)`, or `AppModule.forRoot(config, { clock })`).
 */
export class TestClock extends Clock {
  private current: number;

  constructor(start: Date | string = '2030-01-07T09:00:00.000Z') {
    super();
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(date: Date | string): this {
    const ms = new Date(date).getTime();
    if (Number.isNaN(ms)) throw new Error(`TestClock.set: not a date: ${String(date)}`);
    this.current = ms;
    return this;
  }

  /** Moves the clock on by milliseconds or an ISO 8601 duration (`PT2H`, `P3D`; months and years in UTC). */
  advance(by: number | string): this {
    if (typeof by === 'number') {
      this.current += by;
      return this;
    }
    const duration = Duration.fromISO(by);
    if (!duration.isValid) throw new Error(`TestClock.advance: not an ISO 8601 duration: ${by}`);
    this.current = DateTime.fromMillis(this.current, { zone: 'utc' }).plus(duration).toMillis();
    return this;
  }
}
