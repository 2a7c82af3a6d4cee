// The Web Worker processor of the worker cases: does nothing, so the figure is jobtrail's cost
// of running a job in a worker (comlink round trip, structured clone of the job) and no more.
import { exposeProcessor } from '../../src/worker.js';

exposeProcessor(async () => null);
