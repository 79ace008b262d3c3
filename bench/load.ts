/** `npm run bench:load`: only the load and fault step of the bench (RELIABILITY 36, 40–42). */
import { loadBenchConfig } from './config.js';
import { runBench } from './run.js';

runBench(loadBenchConfig(), ['load']).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
