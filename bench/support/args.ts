export interface BenchArgs {
  quick: boolean;
  /** Multiplies the scale scenario's data volume. */
  scale: number;
  /** Scenario numbers to run (1–4; memory, 5, is sampled during 1 and 2). */
  only: Set<number>;
}

/** Parses `--quick`, `--scale N`, `--only 1,3`. Throws on anything else. */
export function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { quick: false, scale: 1, only: new Set([1, 2, 3, 4]) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--scale') {
      const n = Number(argv[++i]);
      if (!(n > 0 && n <= 100)) throw new Error('--scale takes a number between 0 and 100, e.g. --scale 2');
      args.scale = n;
    } else if (a === '--only') {
      const list = String(argv[++i] ?? '').split(',').map(Number);
      if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 4)) throw new Error('--only takes scenario numbers 1–4, e.g. --only 1,4');
      args.only = new Set(list);
    } else throw new Error(`unknown argument ${a}; usage: node scripts/bench.mjs [--quick] [--scale N] [--only 1,2,3,4]`);
  }
  return args;
}
