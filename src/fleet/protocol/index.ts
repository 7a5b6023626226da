/** The device protocol: the one place the server, the tests' devices and the docs rely on. */
export * from './identity';
export * from './payloads';
export * from './topics';
export * from './acl';
export * from './manifest';
export * from './receipts';
