// The measurements again, inside a dedicated worker: the page calls them through comlink to show
// what jobtrail costs when the queue itself lives in a worker.
import { expose } from 'comlink';
import * as measure from './measure.js';

expose(measure);
