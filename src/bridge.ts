/// <reference types="node" />
// `jobtrail/bridge`: the server half of the bridge to BullMQ (Node ≥ 20; never in a browser bundle).
// The browser half is `forwardTo`, a processor exported by `jobtrail`.
export { createBridge, type Authorize, type Bridge, type BridgeClient, type BridgeOptions } from './bridge/server.js';
export { blobFile, fileBlobStore, type SaveBlob } from './bridge/blobs.js';
export { serverJobId } from './bridge/ids.js';
export { PROTOCOL_VERSION } from './bridge/protocol.js';
export type { BlobReference, BridgeEventName, BridgeEvents, CreateJobBody, ErrorBody, JobStatus, ServerJobOptions, ServerJobState, ServerProgress } from './bridge/protocol.js';
