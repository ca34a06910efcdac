#include "modem-state.h"

gboolean
mmd_modem_registration_is_registered(MmdModem3gppRegistrationState registration)
{
  switch (registration) {
    case MMD_MODEM_3GPP_REGISTRATION_STATE_HOME:
    case MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING:
    case MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_SMS_ONLY:
    case MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_SMS_ONLY:
    case MMD_MODEM_3GPP_REGISTRATION_STATE_HOME_CSFB_NOT_PREFERRED:
    case MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING_CSFB_NOT_PREFERRED:
      return TRUE;
    default:
      return FALSE;
  }
}

MmdModemState
mmd_modem_state_for_registration(MmdModem3gppRegistrationState registration,
                                 guint connected_bearers)
{
  if (mmd_modem_registration_is_registered(registration))
    return connected_bearers ? MMD_MODEM_STATE_CONNECTED : MMD_MODEM_STATE_REGISTERED;
  if (registration == MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING)
    return MMD_MODEM_STATE_SEARCHING;
  return MMD_MODEM_STATE_ENABLED;
}

gboolean
mmd_modem_state_is_enabled(MmdModemState state)
{
  return state >= MMD_MODEM_STATE_ENABLED;
}

gboolean
mmd_modem_state_transition_allowed(MmdModemState old_state, MmdModemState new_state)
{
  if (new_state == old_state)
    return TRUE;
  if (new_state == MMD_MODEM_STATE_FAILED)
    return TRUE;
  if (old_state == MMD_MODEM_STATE_FAILED)
    return FALSE;

  switch (new_state) {
    case MMD_MODEM_STATE_UNKNOWN:
      return FALSE;
    case MMD_MODEM_STATE_INITIALIZING:
      return old_state == MMD_MODEM_STATE_UNKNOWN;
    case MMD_MODEM_STATE_LOCKED:
      /* A SIM can ask for its PIN again after a modem reset or a wrong PUK. */
      return old_state <= MMD_MODEM_STATE_DISABLED;
    case MMD_MODEM_STATE_DISABLED:
      return old_state == MMD_MODEM_STATE_INITIALIZING || old_state == MMD_MODEM_STATE_LOCKED
             || old_state == MMD_MODEM_STATE_DISABLING || old_state == MMD_MODEM_STATE_ENABLING;
    case MMD_MODEM_STATE_DISABLING:
      return old_state >= MMD_MODEM_STATE_ENABLED;
    case MMD_MODEM_STATE_ENABLING:
      return old_state == MMD_MODEM_STATE_DISABLED;
    case MMD_MODEM_STATE_ENABLED:
    case MMD_MODEM_STATE_SEARCHING:
    case MMD_MODEM_STATE_REGISTERED:
      /* from DISABLING too: a failed disable leaves the modem enabled; from
       * INITIALIZING when a data session of the previous run was taken over */
      return old_state >= MMD_MODEM_STATE_DISABLING
             || (new_state == MMD_MODEM_STATE_ENABLED && old_state == MMD_MODEM_STATE_INITIALIZING);
    case MMD_MODEM_STATE_CONNECTING:
      return old_state >= MMD_MODEM_STATE_REGISTERED && old_state != MMD_MODEM_STATE_DISCONNECTING;
    case MMD_MODEM_STATE_DISCONNECTING:
      return old_state == MMD_MODEM_STATE_CONNECTED;
    case MMD_MODEM_STATE_CONNECTED:
      return old_state >= MMD_MODEM_STATE_ENABLED && old_state != MMD_MODEM_STATE_DISABLING;
    default:
      return FALSE;
  }
}
