import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { getPacer, type Pacer } from '../../shared/engine/pacing';
import { sharingWorkers } from '../../shared/engine/sharedQuota';
import { ACT365_CREDENTIAL } from '../transport';

/** The limit Act! announced in X-RateLimit-Limit, per credential (documented as calls per minute). */
const announcedLimits = new Map<string, number>();
const ANNOUNCED_WINDOW_MS = 60 * 1000;

export interface Act365Pacing {
	pacer: Pacer;
	/** Feed every answer's headers here. */
	observe(headers: Record<string, string>): void;
}

/**
 * One pacer per credential for the whole process. The user's own limit wins; without one, a
 * limit Act! announces in X-RateLimit-* headers is followed. (An exhausted window is not
 * paused on as well: the pacer already counts it, and a refusal's Retry-After covers calls
 * other tools spent from the same quota.)
 */
export async function act365Pacing(ctx: IExecuteFunctions | ILoadOptionsFunctions, parallelCalls?: number): Promise<Act365Pacing> {
	const credentials = await ctx.getCredentials(ACT365_CREDENTIAL);
	const key = `act365|${ctx.getNode().credentials?.[ACT365_CREDENTIAL]?.id ?? 'default'}`;
	const concurrency = parallelCalls;
	const sharedBy = sharingWorkers(credentials);
	const ownLimit = Number(credentials.rateLimitCalls ?? 0);
	const ownWindowMs = Math.max(1, Number(credentials.rateLimitWindowSeconds ?? 60)) * 1000;
	const announced = announcedLimits.get(key);
	const pacer =
		ownLimit > 0
			? getPacer({ key, limit: ownLimit, windowMs: ownWindowMs, concurrency, sharedBy })
			: getPacer({ key, limit: announced ?? Number.MAX_SAFE_INTEGER, windowMs: ANNOUNCED_WINDOW_MS, concurrency, sharedBy });
	return {
		pacer,
		observe(headers) {
			if (ownLimit > 0) return;
			const limit = Number(headers['x-ratelimit-limit']);
			if (Number.isInteger(limit) && limit > 0 && limit !== announcedLimits.get(key)) {
				announcedLimits.set(key, limit);
				pacer.limit = limit;
				pacer.windowMs = ANNOUNCED_WINDOW_MS;
			}
		},
	};
}
