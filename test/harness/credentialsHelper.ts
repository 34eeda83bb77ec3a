import {
	ICredentialsHelper,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type Workflow,
} from 'n8n-workflow';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
	/** How many times n8n persisted data back (a token refresh). */
	updates: number;
}

/** n8n's credentials table, in memory: what a test reads back after executions. */
export class CredentialStore {
	private readonly entries = new Map<string, StoredCredential>();

	add(type: string, data: ICredentialDataDecryptedObject, id = `${type}-${this.entries.size + 1}`): StoredCredential {
		const entry = { id, name: `${type} test`, type, data: { ...data }, updates: 0 };
		this.entries.set(id, entry);
		return entry;
	}

	get(id: string): StoredCredential {
		const entry = this.entries.get(id);
		if (!entry) throw new Error(`No credential ${id}`);
		return entry;
	}
}

/**
 * Follows n8n's CredentialsHelper (packages/cli): defaults applied on read, generic or
 * function `authenticate`, and `preAuthentication` run when the hidden expirable field is
 * empty, after a 401, or during a credential test, with the result persisted to the store.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly store: CredentialStore,
		private readonly types: Map<string, ICredentialType>,
	) {
		super();
	}

	private type(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate?.type === 'generic') {
			for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
				const target = ((requestOptions as unknown as Record<string, Record<string, unknown>>)[outerKey] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					target[key] = this.resolve(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	private resolve(value: string, credentials: ICredentialDataDecryptedObject, workflow?: Workflow, node?: INode): string {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (!workflow || !node) throw new Error('Workflow and node are required for declarative credential authentication');
		const resolved = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials) return undefined;
		const output = (await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (details?.id) {
			const stored = this.store.get(details.id);
			stored.data = { ...stored.data, ...output };
			stored.updates++;
		}
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		return typeof type.preAuthentication === 'function'
			? ((await type.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject)
			: undefined;
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const stored = this.store.get(details.id!);
		return {
			id: stored.id,
			name: stored.name,
			type,
			data: undefined,
			getData: () => ({ ...stored.data }) as ICredentialDataDecryptedObject,
			getDataToSave: () => ({ id: stored.id, name: stored.name, type, data: '' }),
			setData: (data: ICredentialDataDecryptedObject) => {
				stored.data = data;
			},
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: unknown,
		details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return this.withDefaults(type, this.store.get(details.id!).data);
	}

	/** What n8n's applyDefaultsAndOverwrites does for plain values. */
	withDefaults(type: string, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(type);
		const withDefaults = NodeHelpers.getNodeParameters(properties, data as never, true, false, null, null);
		return { ...(withDefaults as unknown as ICredentialDataDecryptedObject), ...data };
	}

	async updateCredentials(details: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		const stored = this.store.get(details.id!);
		stored.data = { ...data };
		stored.updates++;
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}
