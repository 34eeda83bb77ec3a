import { startSandboxes } from './index';

/** `npm run sandbox`: every CRM emulator on its fixed port until Ctrl-C. */
async function main(): Promise<void> {
	const latencyMs = Number(process.env.SANDBOX_LATENCY_MS ?? 0);
	const strictContract = process.env.SANDBOX_STRICT_CONTRACT === '1';
	const running = await startSandboxes({ fixedPorts: true, latencyMs, strictContract });
	console.log('CRM sandboxes listening on 127.0.0.1:');
	for (const [name, url] of Object.entries(running.urls)) console.log(`  ${name.padEnd(12)} ${url}`);
	console.log('Each answers GET /__sandbox/stats, GET /__sandbox/state and POST /__sandbox/{reset,faults,config}.');
	const stop = async () => {
		await running.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
