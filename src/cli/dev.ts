// Runs the CLI from source (tests, demo): tsx src/cli/dev.ts <args>.
import { main } from './main.js';

process.exitCode = await main(process.argv);
