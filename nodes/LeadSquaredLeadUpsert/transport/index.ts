import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { FatalCallError, TransientCallError } from '../../shared/engine/errors';
import { getPacer, type Pacer } from '../../shared/engine/pacing';
import { sharingWorkers } from '../../shared/engine/sharedQuota';
import { CUSTOM_REGION, describeConfiguredRegion, describeHost, leadSquaredBaseUrl, pointsAtHost } from './regions';

export const LSQ_CREDENTIAL = 'leadSquaredLeadUpsertApi';

/** LeadSquared counts bulk calls against their own, stricter quota. */
export type Quota = 'single' | 'bulk';

/** LeadSquared's envelope for application errors, sent with any HTTP status (even 200). */
export interface LsqEnvelope {
	Status?: string;
	ExceptionType?: string;
	ExceptionMessage?: string;
	Message?: unknown;
}

/** An error LeadSquared reported in its envelope (duplicate, invalid input…): repeating the call cannot cure it. */
export class LeadSquaredError extends FatalCallError {
	constructor(
		readonly exceptionType: string,
		readonly exceptionMessage: string,
		httpCode?: string,
	) {
		super(`LeadSquared: ${exceptionMessage || exceptionType}`, `LeadSquared's error type: ${exceptionType}.`, httpCode);
		this.name = 'LeadSquaredError';
	}
}

const RATE_LIMIT_EXCEPTION = 'MXAPIRateLimitExceededException';
/** Gateway and overload answers: the call may or may not have been applied. */
const TRANSIENT_STATUSES = new Set([408, 502, 503, 504]);

export interface ClientOptions {
	/** Calls in flight at once per quota, across executions; omitted keeps the current cap. */
	concurrency?: number;
	timeout?: number;
}

export interface PlanLimits {
	callsPerWindow: number;
	bulkCallsPerWindow: number;
	windowMs: number;
}

export function planLimits(credentials: ICredentialDataDecryptedObject): PlanLimits {
	const positive = (value: unknown, fallback: number) => (Number(value) > 0 ? Number(value) : fallback);
	return {
		callsPerWindow: positive(credentials.callsPerWindow, 5),
		bulkCallsPerWindow: positive(credentials.bulkCallsPerWindow, 1),
		windowMs: positive(credentials.rateLimitWindowSeconds, 5) * 1000,
	};
}

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * Every call of one execution: paced to the plan's limits before LeadSquared has to refuse,
 * with its answers read the LeadSquared way (errors in a 200, 401 on the wrong region's host).
 */
export class LeadSquaredClient {
	/** After a confirmed 401 the remaining calls of this execution fail at once instead of repeating it. */
	private authFailure?: FatalCallError;

	constructor(
		private readonly ctx: Context,
		private readonly credentials: ICredentialDataDecryptedObject,
		readonly pacers: Record<Quota, Pacer>,
		readonly limits: PlanLimits,
		private readonly timeout: number,
	) {}

	/** Cache key part: the credential and the host it points at. */
	get accountKey(): string {
		return `${credentialId(this.ctx)}|${leadSquaredBaseUrl(this.credentials)}`;
	}

	async request<T>(
		method: IHttpRequestMethods,
		path: string,
		options: { qs?: IDataObject; body?: unknown; quota?: Quota } = {},
	): Promise<T> {
		if (this.authFailure) throw this.authFailure;
		const quota = options.quota ?? 'single';
		const pacer = this.pacers[quota];
		const { statusCode, body } = await pacer.run(() => this.send(method, path, options.qs, options.body));
		const envelope = body && typeof body === 'object' && !Array.isArray(body) ? (body as LsqEnvelope) : undefined;
		if (statusCode === 401) throw await this.unauthorized();
		if (statusCode === 429 || envelope?.ExceptionType === RATE_LIMIT_EXCEPTION) throw this.rateLimited(envelope, pacer);
		const type = envelope?.ExceptionType;
		if (TRANSIENT_STATUSES.has(statusCode) || (statusCode >= 500 && (!type || type === 'MXInternalServerErrorException'))) {
			throw new TransientCallError(
				`LeadSquared answered HTTP ${statusCode}${envelope?.ExceptionMessage ? `: ${envelope.ExceptionMessage}` : ''}`,
				undefined,
				true,
			);
		}
		if (envelope?.Status === 'Error' || statusCode >= 400) {
			throw new LeadSquaredError(
				type ?? `HTTP ${statusCode}`,
				envelope?.ExceptionMessage ?? (statusCode === 404 ? `The API ${path} was not found` : `HTTP ${statusCode}`),
				String(statusCode),
			);
		}
		return body as T;
	}

	private async send(method: IHttpRequestMethods, path: string, qs?: IDataObject, body?: unknown) {
		const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, LSQ_CREDENTIAL, {
			method,
			url: path,
			qs,
			body: body as IDataObject | undefined,
			json: true,
			returnFullResponse: true,
			// LeadSquared puts its errors in the body, with any status: read them all ourselves.
			ignoreHttpStatusErrors: true,
			timeout: this.timeout,
		})) as { statusCode: number; body: unknown };
		return { statusCode: response.statusCode, body: response.body === '' ? undefined : response.body };
	}

	/** The plan's real numbers are in the refusal ("limit of 25 in 5 second(s)"): pace to them from now on. */
	private rateLimited(envelope: LsqEnvelope | undefined, pacer: Pacer): TransientCallError {
		const message = envelope?.ExceptionMessage ?? 'API calls exceeded the limit';
		const stated = /limit of (\d+) in (\d+(?:\.\d+)?) second/i.exec(message);
		if (stated) {
			const limit = Number(stated[1]);
			const windowMs = Number(stated[2]) * 1000;
			if (limit > 0 && windowMs > 0 && limit / windowMs < pacer.limit / pacer.windowMs) {
				pacer.limit = limit;
				pacer.windowMs = windowMs;
			}
		}
		return new TransientCallError(`LeadSquared refused the call: ${message}`, pacer.windowMs, false);
	}

	/**
	 * LeadSquared says 401 both for wrong keys and for the right keys on another region's host.
	 * UserByAccessKey answers on every host, so asking it tells the two apart and names the right host.
	 */
	private async unauthorized(): Promise<FatalCallError> {
		const configured = describeConfiguredRegion(this.credentials);
		const user = await this.pacers.single
			.run(() => this.send('GET', '/v2/Authentication.svc/UserByAccessKey.Get'))
			.catch(() => undefined);
		const host = (user?.statusCode === 200 ? (user.body as { LSQCommonServiceURLs?: { api?: string } })?.LSQCommonServiceURLs?.api : undefined) ?? '';
		if (host && !pointsAtHost(this.credentials, host)) {
			const fix =
				this.credentials.region === CUSTOM_REGION
					? `Set the credential's Base URL to https://${host}, or choose Region ${describeHost(host)}.`
					: `Set the credential's Region to ${describeHost(host)}.`;
			this.authFailure = new FatalCallError(
				`LeadSquared refused the call on ${configured} (401): these keys belong to an account on ${host}`,
				fix,
				'401',
			);
		} else if (host) {
			this.authFailure = new FatalCallError(
				'LeadSquared refused the call (401) although the keys are valid on this host',
				'The user the keys belong to may lack permission for this action: use the keys of an administrator or of a user whose role allows it.',
				'401',
			);
		} else {
			this.authFailure = new FatalCallError(
				'LeadSquared rejected the access key or secret key (401)',
				`Copy both keys again from My Account › Settings › API and Webhooks, and check the credential's Region (now ${configured}) matches the API host shown there. A deactivated user's keys stop working too.`,
				'401',
			);
		}
		return this.authFailure;
	}
}

function credentialId(ctx: Context): string {
	return ctx.getNode().credentials?.[LSQ_CREDENTIAL]?.id ?? 'default';
}

/** A client for this execution, sharing the credential's two pacers with every other execution in the process. */
export async function leadSquaredClient(ctx: Context, options: ClientOptions = {}): Promise<LeadSquaredClient> {
	const credentials = await ctx.getCredentials(LSQ_CREDENTIAL);
	if (credentials.region === CUSTOM_REGION && !/^https?:\/\/\S+$/i.test(leadSquaredBaseUrl(credentials))) {
		throw new FatalCallError(
			'The LeadSquared credential has no valid Base URL',
			'Fill in "Base URL" with the API host shown under My Account › Settings › API and Webhooks (for example https://api-in21.leadsquared.com), or choose a Region.',
		);
	}
	const limits = planLimits(credentials);
	const id = credentialId(ctx);
	const { concurrency } = options;
	const sharedBy = sharingWorkers(credentials);
	const pacers = {
		single: getPacer({ key: `lsq|${id}|single`, limit: limits.callsPerWindow, windowMs: limits.windowMs, concurrency, sharedBy }),
		bulk: getPacer({ key: `lsq|${id}|bulk`, limit: limits.bulkCallsPerWindow, windowMs: limits.windowMs, concurrency, sharedBy }),
	};
	return new LeadSquaredClient(ctx, credentials, pacers, limits, options.timeout ?? 30000);
}
