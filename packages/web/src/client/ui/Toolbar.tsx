// The bottom toolbar, as in Jitsi Meet: media toggles, panels, hand, layout, invite, leave.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConferenceActions, ConferenceState } from '../conference/types';
import { t } from '../i18n';
import {
  CamIcon,
  CamOffIcon,
  ChatIcon,
  GearIcon,
  GridIcon,
  HandIcon,
  HangupIcon,
  LinkIcon,
  MicIcon,
  MoreIcon,
  MicOffIcon,
  PeopleIcon,
  ScreenIcon,
  StageIcon,
} from './icons';
import { SettingsPanel } from './SettingsPanel';

interface ButtonProps {
  testid: string;
  label: string;
  shortcut?: string;
  pressed?: boolean;
  /** Red background: muted mic/camera, leave. */
  danger?: boolean;
  onClick: () => void;
  children: ComponentChildren;
  buttonRef?: { current: HTMLButtonElement | null };
  extraClass?: string;
  /** For a button that opens a menu: aria-expanded. */
  expanded?: boolean;
}

function ToolbarButton(props: ButtonProps) {
  const { testid, label, shortcut, pressed, danger, onClick, children, buttonRef, extraClass, expanded } = props;
  const classes = ['tb-button'];
  if (extraClass) classes.push(extraClass);
  if (pressed) classes.push('pressed');
  if (danger) classes.push('danger');
  return (
    <button
      ref={buttonRef}
      type="button"
      class={classes.join(' ')}
      data-testid={testid}
      aria-label={label}
      aria-pressed={pressed === undefined || expanded !== undefined ? undefined : pressed ? 'true' : 'false'}
      aria-expanded={expanded === undefined ? undefined : expanded ? 'true' : 'false'}
      title={shortcut ? t('toolbar.shortcut', { label, key: shortcut }) : label}
      onClick={onClick}
    >
      {children}
      {/* Shown only in the phone's "more" menu, where the buttons carry their names. */}
      <span class="tb-label" aria-hidden="true">
        {label}
      </span>
    </button>
  );
}

export function Toolbar({ state, actions }: { state: ConferenceState; actions: ConferenceActions }) {
  const local = state.localId ? state.participants[state.localId] : undefined;
  const handRaised = local?.raisedHand !== undefined;
  const [toast, setToast] = useState<string | null>(null);
  const timer = useRef<number>();
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [moreOpen, setMoreOpen] = useState(false);
  // On phones the secondary actions sit in the "more" menu, which closes once one is chosen.
  const inMoreMenu = (action: () => void) => () => {
    setMoreOpen(false);
    action();
  };
  const settingsButton = useRef<HTMLButtonElement>(null);
  const closeSettings = useCallback((refocus: boolean) => {
    setSettingsOpen(false);
    if (refocus) settingsButton.current?.focus();
  }, []);

  const copy = async () => {
    const link = `${location.origin}/${encodeURIComponent(state.room)}`;
    let text = t('toolbar.linkCopied');
    try {
      await actions.copyInviteLink();
    } catch {
      text = t('toolbar.copyFailed', { link });
    }
    setToast(text);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setToast(null), 3000);
  };

  return (
    <div class="toolbar" role="toolbar">
      {toast && (
        <div class="toast" role="status" data-testid="invite-toast">
          {toast}
        </div>
      )}
      {settingsOpen && (
        <SettingsPanel state={state} actions={actions} onClose={closeSettings} toggle={settingsButton} />
      )}
      <div class="toolbar-group">
        <ToolbarButton
          testid="toggle-audio"
          label={state.audioMuted ? t('toolbar.unmuteMic') : t('toolbar.muteMic')}
          shortcut="M"
          pressed={state.audioMuted}
          danger={state.audioMuted}
          onClick={() => actions.toggleAudio()}
        >
          {state.audioMuted ? <MicOffIcon /> : <MicIcon />}
        </ToolbarButton>
        <ToolbarButton
          testid="toggle-video"
          label={state.videoMuted ? t('toolbar.startCamera') : t('toolbar.stopCamera')}
          shortcut="V"
          pressed={state.videoMuted}
          danger={state.videoMuted}
          onClick={() => actions.toggleVideo()}
        >
          {state.videoMuted ? <CamOffIcon /> : <CamIcon />}
        </ToolbarButton>
        <ToolbarButton
          testid="toggle-chat"
          label={
            (state.chatOpen ? t('toolbar.closeChat') : t('toolbar.openChat')) +
            (state.unreadChat > 0 ? `, ${t('toolbar.unread', { n: state.unreadChat })}` : '')
          }
          shortcut="C"
          pressed={state.chatOpen}
          onClick={() => actions.setChatOpen(!state.chatOpen)}
        >
          <ChatIcon />
          {state.unreadChat > 0 && (
            // The count is in the button's label; the badge is for the eye.
            <span class="badge" data-testid="unread-badge" aria-hidden="true">
              {state.unreadChat > 99 ? '99+' : state.unreadChat}
            </span>
          )}
        </ToolbarButton>
        <ToolbarButton
          testid="toggle-participants"
          label={`${state.participantsOpen ? t('toolbar.closeParticipants') : t('toolbar.openParticipants')}, ${
            Object.keys(state.participants).length
          }`}
          pressed={state.participantsOpen}
          onClick={() => actions.setParticipantsOpen(!state.participantsOpen)}
        >
          <PeopleIcon />
          <span class="count">{Object.keys(state.participants).length}</span>
        </ToolbarButton>
        <ToolbarButton
          testid="toggle-more"
          extraClass="tb-more"
          label={moreOpen ? t('toolbar.closeMore') : t('toolbar.openMore')}
          pressed={moreOpen}
          expanded={moreOpen}
          onClick={() => setMoreOpen(!moreOpen)}
        >
          <MoreIcon />
        </ToolbarButton>
        {/* Secondary actions: in line on wide screens, a menu behind "more" on phones (app.css). */}
        <div class={moreOpen ? 'toolbar-more open' : 'toolbar-more'} data-testid="more-menu">
          <ToolbarButton
            testid="toggle-screen"
            label={state.screenSharing ? t('toolbar.stopShare') : t('toolbar.startShare')}
            shortcut="D"
            pressed={state.screenSharing}
            onClick={inMoreMenu(() => void actions.toggleScreenShare().catch(() => undefined))}
          >
            <ScreenIcon />
          </ToolbarButton>
          <ToolbarButton
            testid="toggle-hand"
            label={handRaised ? t('toolbar.lowerHand') : t('toolbar.raiseHand')}
            shortcut="R"
            pressed={handRaised}
            onClick={inMoreMenu(() => actions.toggleRaiseHand())}
          >
            <HandIcon />
          </ToolbarButton>
          <ToolbarButton
            testid="toggle-view"
            label={state.view === 'tile' ? t('toolbar.stageView') : t('toolbar.tileView')}
            shortcut="W"
            pressed={state.view === 'tile'}
            onClick={inMoreMenu(() => actions.setView(state.view === 'tile' ? 'stage' : 'tile'))}
          >
            {state.view === 'tile' ? <StageIcon /> : <GridIcon />}
          </ToolbarButton>
          <ToolbarButton
            testid="toggle-settings"
            label={settingsOpen ? t('toolbar.closeSettings') : t('toolbar.openSettings')}
            pressed={settingsOpen}
            buttonRef={settingsButton}
            onClick={inMoreMenu(() => setSettingsOpen(!settingsOpen))}
          >
            <GearIcon />
          </ToolbarButton>
          <ToolbarButton testid="copy-invite" label={t('toolbar.copyInvite')} onClick={inMoreMenu(() => void copy())}>
            <LinkIcon />
          </ToolbarButton>
        </div>
        <ToolbarButton testid="leave" label={t('toolbar.leave')} danger onClick={() => void actions.leave()}>
          <HangupIcon />
        </ToolbarButton>
      </div>
    </div>
  );
}
