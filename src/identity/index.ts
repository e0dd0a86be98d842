/** Identity: the mesh root CA, SPIFFE workload certificates, peer verification and rotation. */
export * from './ca.js';
export * from './errors.js';
export * from './issue.js';
export * from './rotation.js';
export * from './spiffe.js';
export * from './verify.js';
export * from './workload.js';
export * from './serving.js';
