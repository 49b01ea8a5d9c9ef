#!/usr/bin/env -S node --max-old-space-size=256
// The V8 heap is capped so a copy of any size stays in a few hundred MB: measured at 1M documents, peak RSS
// 229-262 MB with the cap against 326-383 MB without, at the same speed (bench/results/). Documents of tens of
// MB fit too: every read is bounded by bytes (src/cluster/answer-stream.ts).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
