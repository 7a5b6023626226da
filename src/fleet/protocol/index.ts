/** The device protocol: the one place the server, the tests' devices and the docs rely on. */
export * from './identity';
export * from './payloads';
export * from './topics';
export * from './acl';
export * from './receipts';
export * from './manifest';
