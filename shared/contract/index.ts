import type { z } from 'zod';
import type { CallDef } from './define';
import { creditsCalls, creditsEvents } from './credits';
import { limitsCalls } from './limits';
import { projectsCalls, projectsEvents } from './projects';
import { shotsCalls, shotsEvents } from './shots';
import { jobsCalls, jobsEvents } from './jobs';
import { finalizeCalls } from './finalize';
import { exportsCalls, exportsEvents } from './exports';
import { takesCalls, takesEvents } from './takes';
import { mediaCalls, mediaEvents } from './media';
import { boardCalls, boardEvents } from './board';
import { insightCalls, insightEvents } from './insight';
import { labelsCalls } from './labels';
import { reviewCalls, reviewEvents } from './review';
import { systemCalls, systemEvents } from './system';
import { draftsCalls } from './drafts';
import { studioCalls, studioEvents } from './studio';
import { usageCalls } from './usage';

export * from './define';
export * from './access';

/** Every request the renderer (or a reviewer) can make, by `domain.verb`. */
export const contract = {
  ...systemCalls,
  ...projectsCalls,
  ...creditsCalls,
  ...limitsCalls,
  ...shotsCalls,
  ...jobsCalls,
  ...finalizeCalls,
  ...exportsCalls,
  ...takesCalls,
  ...mediaCalls,
  ...boardCalls,
  ...insightCalls,
  ...labelsCalls,
  ...reviewCalls,
  ...draftsCalls,
  ...studioCalls,
  ...usageCalls,
} as const satisfies Record<string, CallDef>;

/** Every event core emits, by `domain.pastTense`. */
export const events = {
  ...systemEvents,
  ...projectsEvents,
  ...creditsEvents,
  ...shotsEvents,
  ...jobsEvents,
  ...exportsEvents,
  ...takesEvents,
  ...mediaEvents,
  ...boardEvents,
  ...insightEvents,
  ...reviewEvents,
  ...studioEvents,
} as const satisfies Record<string, z.ZodType>;

export type Contract = typeof contract;
export type CallName = keyof Contract;
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<Contract[K]['input']>;
export type CallOutput<K extends CallName> = z.output<Contract[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

export const callNames = Object.keys(contract) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The IPC channel for a call or event name: `app:` + name. The only place channels are spelled. */
export const channelFor = (name: string): string => `app:${name}`;
