/** The bridge's only way into Sales and the ERP: HTTP clients with real tokens. */
export * from './token-source.js';
export * from './http-client.js';
export * from './sales-client.js';
export * from './erp-client.js';
