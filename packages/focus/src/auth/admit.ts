// Carries out an admission once the conference is ready and before the focus answers the request:
// members-only and the member affiliation in Prosody, moderator rights in the conference.
import type { Conference } from '../conference.js';
import type { Admission } from './access-policy.js';
import type { RoomMembership } from './room-membership.js';

export async function applyAdmission(
  membership: RoomMembership,
  conference: Conference,
  admission: Admission,
  realJid: string,
): Promise<void> {
  if (admission.membersOnly) await membership.makeMembersOnly(conference.roomJid);
  if (admission.member) await membership.addMember(conference.roomJid, admission.member);
  if (admission.moderator) conference.moderatorsByRight.add(realJid);
}
