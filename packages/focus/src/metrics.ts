import { Counter, Gauge, type Registry } from '@parley/service';

export interface FocusMetrics {
  conferences: Gauge;
  participants: Gauge;
  conferencesCreated: Counter;
  jingleSent: Counter<'action'>;
  jingleReceived: Counter<'action'>;
  errors: Counter<'kind'>;
}

export function focusMetrics(registry: Registry): FocusMetrics {
  return {
    conferences: new Gauge({
      name: 'parley_focus_conferences',
      help: 'Conferences the focus runs now',
      registers: [registry],
    }),
    participants: new Gauge({
      name: 'parley_focus_participants',
      help: 'Media participants in all conferences',
      registers: [registry],
    }),
    conferencesCreated: new Counter({
      name: 'parley_focus_conferences_created_total',
      help: 'Conferences started',
      registers: [registry],
    }),
    jingleSent: new Counter({
      name: 'parley_focus_jingle_sent_total',
      help: 'Jingle requests sent to participants',
      labelNames: ['action'],
      registers: [registry],
    }),
    jingleReceived: new Counter({
      name: 'parley_focus_jingle_received_total',
      help: 'Jingle requests received from participants',
      labelNames: ['action'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'parley_focus_errors_total',
      help: 'Requests refused or failed, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
