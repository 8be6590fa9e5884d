#!/usr/bin/env node
// Runs the focus alone: `node dist/main.js --domain meet.example` with PARLEY_FOCUS_SECRET set.
import { runServiceMain } from '@parley/service';
import { focusConfigSpec } from './config.js';
import { focusAccessSpec } from './auth/access-config.js';
import { startFocus } from './focus-service.js';

await runServiceMain({
  name: 'focus',
  description: 'runs conferences over XMPP',
  spec: { ...focusConfigSpec, ...focusAccessSpec },
  start: (c) => startFocus(c),
});
