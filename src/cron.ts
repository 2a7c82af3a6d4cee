// jobtrail/cron: croner, the cron parser of job schedulers with a pattern, as an entry of its own so
// that nothing else of jobtrail imports it: an app hands it over with provideCron, loaded on demand
// in pages and workers, imported up front in a service worker (which may not import()).
export { Cron } from 'croner';
