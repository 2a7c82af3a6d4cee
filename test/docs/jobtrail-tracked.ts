// `jobtrail` for the examples run in Node: the package itself, except that every Queue an example
// opens is closed and checked for consistency after the test, like the queues of the unit tests
// (and every FlowProducer closed).
import { FlowProducer as PackageFlowProducer, Queue as PackageQueue, type FlowProducerOptions, type QueueOptions } from '../../src/index.js';
import { openedProducers, openedQueues } from '../unit/helpers.js';

export * from '../../src/index.js';

export class Queue<Data = unknown, Result = unknown> extends PackageQueue<Data, Result> {
  constructor(name: string, options?: QueueOptions) {
    super(name, options);
    openedQueues.push(this);
  }
}

/** Every FlowProducer an example makes is closed after the test too. */
export class FlowProducer extends PackageFlowProducer {
  constructor(options?: FlowProducerOptions) {
    super(options);
    openedProducers.push(this);
  }
}
