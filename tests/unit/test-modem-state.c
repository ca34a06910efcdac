#include "modem-state.h"

static void
test_transitions_normal_life(void)
{
  static const MmdModemState life[] = {
    MMD_MODEM_STATE_UNKNOWN,   MMD_MODEM_STATE_INITIALIZING,  MMD_MODEM_STATE_LOCKED,
    MMD_MODEM_STATE_DISABLED,  MMD_MODEM_STATE_ENABLING,      MMD_MODEM_STATE_ENABLED,
    MMD_MODEM_STATE_SEARCHING, MMD_MODEM_STATE_REGISTERED,    MMD_MODEM_STATE_CONNECTING,
    MMD_MODEM_STATE_CONNECTED, MMD_MODEM_STATE_DISCONNECTING, MMD_MODEM_STATE_REGISTERED,
    MMD_MODEM_STATE_DISABLING, MMD_MODEM_STATE_DISABLED,
  };

  for (guint i = 1; i < G_N_ELEMENTS(life); i++)
    g_assert_true(mmd_modem_state_transition_allowed(life[i - 1], life[i]));
  /* a disable that fails leaves the modem enabled */
  g_assert_true(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_DISABLING, MMD_MODEM_STATE_REGISTERED));
  /* a modem whose session the previous run left up starts enabled */
  g_assert_true(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_INITIALIZING, MMD_MODEM_STATE_ENABLED));
}

static void
test_transitions_refused(void)
{
  /* A locked modem cannot be enabled before it is unlocked. */
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_LOCKED, MMD_MODEM_STATE_ENABLING));
  /* Nothing leaves FAILED. */
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_FAILED, MMD_MODEM_STATE_DISABLED));
  /* Connecting needs registration. */
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_ENABLED, MMD_MODEM_STATE_CONNECTING));
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_CONNECTED));
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_REGISTERED, MMD_MODEM_STATE_UNKNOWN));
  g_assert_false(mmd_modem_state_transition_allowed(MMD_MODEM_STATE_REGISTERED,
                                                    MMD_MODEM_STATE_DISCONNECTING));
  /* enabling goes through ENABLING */
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_DISABLED, MMD_MODEM_STATE_ENABLED));
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_INITIALIZING, MMD_MODEM_STATE_CONNECTED));
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_LOCKED, MMD_MODEM_STATE_ENABLED));
  g_assert_false(
      mmd_modem_state_transition_allowed(MMD_MODEM_STATE_DISABLING, MMD_MODEM_STATE_CONNECTED));
}

static void
test_failed_from_anywhere(void)
{
  for (int s = MMD_MODEM_STATE_UNKNOWN; s <= MMD_MODEM_STATE_CONNECTED; s++)
    g_assert_true(mmd_modem_state_transition_allowed(s, MMD_MODEM_STATE_FAILED));
}

static void
test_state_for_registration(void)
{
  g_assert_cmpint(mmd_modem_state_for_registration(MMD_MODEM_3GPP_REGISTRATION_STATE_HOME, 0), ==,
                  MMD_MODEM_STATE_REGISTERED);
  g_assert_cmpint(mmd_modem_state_for_registration(MMD_MODEM_3GPP_REGISTRATION_STATE_ROAMING, 1),
                  ==, MMD_MODEM_STATE_CONNECTED);
  g_assert_cmpint(mmd_modem_state_for_registration(MMD_MODEM_3GPP_REGISTRATION_STATE_SEARCHING, 0),
                  ==, MMD_MODEM_STATE_SEARCHING);
  /* A connected bearer does not make a denied modem "connected". */
  g_assert_cmpint(mmd_modem_state_for_registration(MMD_MODEM_3GPP_REGISTRATION_STATE_DENIED, 1), ==,
                  MMD_MODEM_STATE_ENABLED);
  g_assert_cmpint(mmd_modem_state_for_registration(MMD_MODEM_3GPP_REGISTRATION_STATE_IDLE, 0), ==,
                  MMD_MODEM_STATE_ENABLED);
  g_assert_false(
      mmd_modem_registration_is_registered(MMD_MODEM_3GPP_REGISTRATION_STATE_EMERGENCY_ONLY));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/modem-state/transitions/normal-life", test_transitions_normal_life);
  g_test_add_func("/modem-state/transitions/refused", test_transitions_refused);
  g_test_add_func("/modem-state/transitions/failed-from-anywhere", test_failed_from_anywhere);
  g_test_add_func("/modem-state/for-registration", test_state_for_registration);
  return g_test_run();
}
