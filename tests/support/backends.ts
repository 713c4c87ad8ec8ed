/** Queue backends the queue tests run on: PostgreSQL always, Redis too when REDIS_URL is set. */
export function queueBackends(): Array<'postgres' | 'redis'> {
  return process.env.REDIS_URL ? ['postgres', 'redis'] : ['postgres'];
}
