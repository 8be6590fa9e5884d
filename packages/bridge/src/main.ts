#!/usr/bin/env node
// Runs one bridge process: `node dist/main.js --domain meet.example` with PARLEY_BRIDGE_PASSWORD set.
import { runServiceMain } from '@parley/service';
import { bridgeConfigSpec } from './config.js';
import { startBridge } from './bridge-service.js';

await runServiceMain({
  name: 'bridge',
  description: 'forwards media (SFU)',
  spec: bridgeConfigSpec,
  start: (c) => startBridge(c),
});
