/** `npm run bench:soak`: only the soak of RELIABILITY 42 (BENCH_SOAK_MINUTES, default 60). */
import { loadBenchConfig } from './config.js';
import { runBench } from './run.js';

runBench(loadBenchConfig(), ['soak']).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
