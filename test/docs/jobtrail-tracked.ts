// `jobtrail` for the examples run in Node: the package itself, except that every Queue an example
// opens is closed and checked for consistency after the test, like the queues of the unit tests.
import { Queue as PackageQueue, type QueueOptions } from '../../src/index.js';
import { openedQueues } from '../unit/helpers.js';

export * from '../../src/index.js';

export class Queue<Data = unknown, Result = unknown> extends PackageQueue<Data, Result> {
  constructor(name: string, options?: QueueOptions) {
    super(name, options);
    openedQueues.push(this);
  }
}
