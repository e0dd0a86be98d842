/**
 * Kubernetes Event (`v1`): something that happened to an object (Scheduled, Started, Killing, BackOff...), with the
 * count and first/last times of its repeats. The `events.k8s.io/v1` view of the same objects is a conversion made
 * by the cluster API (src/local/server/events-v1.ts), not a second stored kind.
 */
import { z } from 'zod';
import { int32, objectReference, timestamp } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** Schema of an Event (core `v1` shape). */
export const eventSchema = z.strictObject({
  ...kubeHeader('Event', apiVersionSchema('', ['v1'])),
  involvedObject: objectReference,
  reason: z.string().max(128).optional(),
  message: z.string().max(4096).optional(),
  source: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
  firstTimestamp: timestamp.optional(),
  lastTimestamp: timestamp.optional(),
  count: int32.min(0).optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  eventTime: timestamp.optional(),
  series: z.strictObject({ count: int32.min(0).optional(), lastObservedTime: timestamp.optional() }).optional(),
  action: z.string().max(128).optional(),
  related: objectReference.optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
});

/** A Kubernetes Event. */
export type Event = z.infer<typeof eventSchema>;
