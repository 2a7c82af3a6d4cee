// Adding files, as both pages of the demo do: small files as one job each, large ones as a flow of
// parts (each flow added whole or not at all); and the sample files the buttons make.
import type { FlowProducer, Queue } from 'jobtrail';
import { LARGE_FILE_BYTES, largeUploadFlow, UPLOAD_OPTIONS, uploadJobData, type UploadJobData, type UploadJobResult } from './uploads';

export async function addFiles(uploads: Queue<UploadJobData, UploadJobResult>, flows: FlowProducer, files: readonly File[]): Promise<void> {
  const small = files.filter((file) => file.size <= LARGE_FILE_BYTES);
  const large = files.filter((file) => file.size > LARGE_FILE_BYTES);
  if (small.length > 0) await uploads.addBulk(small.map((file) => ({ name: 'upload', data: uploadJobData(file, file.name), opts: UPLOAD_OPTIONS })));
  if (large.length > 0) await flows.addBulk(large.map((file) => largeUploadFlow(file, file.name)));
}

/** A file of random bytes (by default 300 KB to 4 MB), so the server's checksum means something. */
export function sampleFile(size = 300 * 1024 + Math.floor(Math.random() * (3.7 * 1024 * 1024))): File {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return new File([bytes], `sample-${crypto.randomUUID().slice(0, 6)}.bin`, { type: 'application/octet-stream' });
}
