import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const nodesBaseRules = (config) => n8nNodesBase.configs[config].rules;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'demo/runtime/**', 'demo/runtimes/**', '.demo/**', 'coverage/**', 'docs/**'] },
	// The published package: both n8n lint plugins, in full.
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [tseslint.configs.recommended],
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...n8nCommunityNodes.configs.recommended.plugins },
		rules: {
			...n8nCommunityNodes.configs.recommended.rules,
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...nodesBaseRules('credentials'),
			// Its own description says it applies only to nodes in n8n's main repository, whose docs
			// live at camel-cased slugs; a community credential links to its README.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...nodesBaseRules('nodes'),
			// These two ask for the 'main' literal, which the community plugin's
			// node-connection-type-literal forbids in favour of NodeConnectionTypes.Main.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...n8nCommunityNodes.configs.recommended.plugins },
		rules: {
			...nodesBaseRules('community'),
			...Object.fromEntries(
				Object.entries(n8nCommunityNodes.configs.recommended.rules).filter(([name]) =>
					/package|dependencies|lifecycle|overrides|files-array|homepage|author|version|peer/.test(name),
				),
			),
		},
	},
	{
		files: ['**/*.ts'],
		rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
	},
	// Sandboxes, tests, benchmarks and the demo run on Node only, never inside n8n.
	{
		files: ['sandbox/**/*.ts', 'test/**/*.ts', 'demo/**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
);
