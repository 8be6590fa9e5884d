// TURN (coturn) for `parley start --turn`: settings, turnserver.conf, the launcher.
export {
  renderTurnConfig,
  turnPaths,
  turnServices,
  turnUrls,
  validateTurnSettings,
  type TurnPaths,
  type TurnSettings,
} from './turnserver.js';
export {
  findTurnserver,
  startTurnServer,
  TURN_INSTALL_HINT,
  type RunningTurnServer,
  type StartTurnOptions,
} from './launcher.js';
