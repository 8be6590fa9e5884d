// @parley/focus: the conference focus, an XMPP component like Jitsi's jicofo.
export * from './bridge-client.js';
export * from './fake-bridge-client.js';
export * from './conference.js';
export * from './conference-manager.js';
export * from './config.js';
export * from './focus-service.js';
export * from './participant.js';
export * from './sources.js';
export * from './xmpp-link.js';
export * from './brewery.js';
export * from './colibri2-bridge-client.js';
export * from './limits.js';
export * from './auth/index.js';
export * from './webhooks.js';
export * from './admin-api.js';
