/**
 * The warehouse catalog layer: the `Catalog` snapshot and its identifier rules (catalog.ts), the
 * providers that read one (providers/), dg.config.json (config.ts), and the column source completion
 * uses (columnSource.ts). All of dg's warehouse IO lives here (and in entry points).
 */
export * from './catalog';
export * from './config';
export * from './errors';
export * from './providers';
export { catalogColumnSource } from './columnSource';
export * from './project';
