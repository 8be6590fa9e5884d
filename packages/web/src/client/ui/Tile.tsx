// One video tile: a participant's camera or screen share, with name, mute icons, hand, speaking border.
// A remote video the bridge does not forward now (paused), or whose track went silent, shows the
// avatar and "Video paused" instead of the last frame frozen.
import type { Participant, Tile as TileData } from '../conference/types';
import { t } from '../i18n';
import { useSrcObject, useTrackMuted } from './hooks';
import { Avatar } from './Avatar';
import { CamOffIcon, HandIcon, MicOffIcon, ScreenIcon } from './icons';

export interface TileProps {
  tile: TileData;
  participant: Participant | undefined;
  speaking: boolean;
  pinned: boolean;
  /** For the local camera tile the store's own flags are authoritative. */
  localAudioMuted: boolean;
  localVideoMuted: boolean;
  /** The bridge does not forward this video now (ForwardedSources). */
  paused?: boolean;
  onClick: (key: string) => void;
  style?: Record<string, string>;
  class?: string;
}

export function displayNameOf(p: Participant | undefined): string {
  return p?.displayName?.trim() || t('common.guest');
}

export function Tile({
  tile,
  participant,
  speaking,
  pinned,
  localAudioMuted,
  localVideoMuted,
  paused: notForwarded = false,
  onClick,
  style,
  class: cls,
}: TileProps) {
  const isCamera = tile.videoType === 'camera';
  const audioMuted = tile.isLocal ? localAudioMuted : !!participant?.audioMuted;
  const videoMuted = isCamera && (tile.isLocal ? localVideoMuted : !!participant?.videoMuted);
  const silent = useTrackMuted(tile.isLocal ? null : tile.stream);
  const paused = !tile.isLocal && tile.stream !== null && !videoMuted && (notForwarded || silent);
  const showVideo = tile.stream !== null && !videoMuted && !paused;
  const videoRef = useSrcObject<HTMLVideoElement>(showVideo ? tile.stream : null);
  const name = displayNameOf(participant);
  const mirrored = tile.isLocal && isCamera;

  const classes = ['tile'];
  if (speaking) classes.push('speaking');
  if (pinned) classes.push('pinned');
  if (!isCamera) classes.push('desktop');
  if (cls) classes.push(cls);

  return (
    // biome-ignore lint/a11y/useSemanticElements: a tile lays out video and overlays as a block, which <button> would not
    <div
      class={classes.join(' ')}
      style={style}
      data-testid="tile"
      data-participant={tile.participantId}
      data-source={tile.key}
      data-local={tile.isLocal ? 'true' : 'false'}
      data-video-type={tile.videoType}
      data-speaking={speaking ? 'true' : 'false'}
      data-paused={paused ? 'true' : 'false'}
      title={pinned ? t('tile.unpin') : t('tile.pin')}
      // A tile pins on click; as a button it pins from the keyboard too (Tab, then Enter or Space).
      role="button"
      tabIndex={0}
      aria-pressed={pinned ? 'true' : 'false'}
      onClick={() => onClick(tile.key)}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
        e.preventDefault();
        onClick(tile.key);
      }}
    >
      <video
        ref={videoRef}
        data-testid="tile-video"
        class={mirrored ? 'mirrored' : undefined}
        style={showVideo ? undefined : { display: 'none' }}
        autoplay
        playsInline
        muted
      />
      {!showVideo && (
        <div class="tile-placeholder">
          <Avatar id={tile.participantId} name={name} testid="tile-avatar" />
          {paused && (
            <span class="tile-paused" data-testid="tile-video-paused" title={t('tile.videoPausedHint')}>
              {t('tile.videoPaused')}
            </span>
          )}
        </div>
      )}
      {participant?.raisedHand !== undefined && (
        <div
          class="tile-hand"
          role="img"
          data-testid="tile-raised-hand"
          title={t('tile.handRaised')}
          aria-label={t('tile.handRaised')}
        >
          <HandIcon size={18} />
        </div>
      )}
      <div class="tile-label">
        {audioMuted && (
          <span
            class="tile-icon"
            role="img"
            data-testid="tile-audio-muted"
            title={t('tile.micMuted')}
            aria-label={t('tile.micMuted')}
          >
            <MicOffIcon size={14} />
          </span>
        )}
        {videoMuted && (
          <span
            class="tile-icon"
            role="img"
            data-testid="tile-video-muted"
            title={t('tile.camMuted')}
            aria-label={t('tile.camMuted')}
          >
            <CamOffIcon size={14} />
          </span>
        )}
        {!isCamera && (
          <span class="tile-icon" title={t('tile.screen')}>
            <ScreenIcon size={14} />
          </span>
        )}
        <span class="tile-name" data-testid="tile-name">
          {name}
        </span>
        {tile.isLocal && isCamera && <span class="tile-you">{t('common.you')}</span>}
      </div>
    </div>
  );
}
