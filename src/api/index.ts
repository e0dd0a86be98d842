/** The resource model: the single source of truth for kinds, their types, defaults and validation. */
export * from './registry.js';
