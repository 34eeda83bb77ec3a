export * from './contract';
export * from './Sandbox';
export * from './faults';
export * from './http';
export * from './rateLimit';
